"""What the first screen shows, in a real Chromium: a phone's inbox and task, the header in
Chinese, and the contract list's short values on one line at 1366 px."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_approval_pages import create_and_submit

pytestmark = pytest.mark.e2e

PHONE = (375, 812)
DESKTOP = (1366, 768)
# The cells that break a line inside a word ("HT-2026- / 000004", "销 / 售"): a break
# between two characters neither of which is a space.
WRAPPED_CELLS = """
sel => [...document.querySelectorAll(sel)].filter(cell => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent;
    let previous = null;
    for (let i = 0; i < text.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      const top = Math.round(rect.top);
      if (previous && top > previous.top + 2 && !/\\s/.test(text[i] + previous.char)) return true;
      previous = { top, char: text[i] };
    }
  }
  return false;
}).map(cell => cell.dataset.label + ': ' + cell.innerText.trim())
"""


def _top(page, selector: str) -> float:
    return page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().top")


def test_a_phone_inbox_folds_its_filters_and_shows_the_first_task(new_page):
    create_and_submit(new_page(), "Booth at the fair (e2e)", "48000.00")
    page = new_page(*PHONE)
    sign_in(page, "bob")
    fold = page.locator("#inbox-filter-fold")
    assert fold.evaluate("el => el.open") is False
    assert not page.locator("#q").is_visible()
    assert page.text_content("#inbox-filter-summary").strip() == "none set"
    card = page.locator(".task-card").first
    assert _top(page, ".task-card") + 100 < PHONE[1], "the first task is not on the first screen"
    assert card.locator(".task-name").is_visible()
    screenshot(page, "phone-inbox-folded")

    page.click("#inbox-filter-fold > summary")
    page.fill("#amount_min", "10000")
    page.press("#amount_min", "Enter")
    page.wait_for_url(re.compile(r".*amount_min=10000.*"))
    page.wait_for_function(
        "() => document.querySelector('#inbox-filter-summary').textContent.includes('10,000')"
    )
    assert page.text_content("#inbox-filter-summary").strip() == "1 set: from 10,000.00 CNY"


def test_a_desktop_inbox_shows_its_filters_open(new_page):
    page = new_page(*DESKTOP)
    sign_in(page, "bob")
    assert page.locator("#inbox-filter-fold").evaluate("el => el.open") is True
    assert page.locator("#q").is_visible() and page.locator("#sort").is_visible()


def test_a_task_names_its_contract_on_the_first_screen_of_a_phone(new_page):
    number = create_and_submit(new_page(), "Booth at the fair (e2e)", "48000.00")
    page = new_page(*PHONE)
    sign_in(page, "bob")
    page.locator(".task-card a.task-name").first.click()
    page.wait_for_url(re.compile(r".*/inbox/tasks/\d+$"))
    subject = page.locator(".task-subject a")
    assert subject.inner_text().startswith(f"{number} Booth at the fair"), subject.inner_text()
    box = subject.bounding_box()
    assert box is not None and box["y"] + box["height"] < PHONE[1] / 2
    screenshot(page, "phone-task-subject")
    subject.click()
    page.wait_for_url(re.compile(r".*/contracts/\d+$"))


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_phone_header_keeps_sign_out_on_the_top_row(new_page, locale):
    page = new_page(*PHONE, locale=locale)
    sign_in(page, "bob")
    page.goto("/home")
    brand = page.locator(".brand").bounding_box()
    sign_out = page.locator(".topbar form[action$='logout'] button").bounding_box()
    assert brand and sign_out
    assert sign_out["y"] < brand["y"] + brand["height"], "sign out fell to a row of its own"
    assert _top(page, "main") <= 130


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_contract_list_keeps_short_values_on_one_line_at_1366(new_page, locale):
    drafter = new_page()
    for title in ("Distribution agreement for the East China region, 2027", "Booth"):
        create_and_submit(drafter, title, "2000000.00")
    page = new_page(*DESKTOP, locale=locale)
    sign_in(page, "alice")
    page.goto("/contracts/")
    labels = page.eval_on_selector_all(
        "#results thead th", "ths => ths.map(th => th.innerText.trim())"
    )
    short = [labels[i] for i in (0, 2, 6, 7, 9)]  # number, type, department, status, expiry
    selector = ", ".join(f'#results td[data-label="{label}"]' for label in short)
    assert page.locator(selector).count() == 5 * 2
    wrapped = page.evaluate(WRAPPED_CELLS, selector)
    assert not wrapped, wrapped
    right = "s => document.querySelector(s).getBoundingClientRect().right"
    assert page.evaluate(right, "#results table") <= page.evaluate(right, "#results") + 1
    title = page.locator("#results td.title-cell").first.bounding_box()
    assert title is not None and title["width"] >= 110, "the title column is squeezed"


def test_the_template_catalogue_is_cards_on_a_phone(new_page):
    page = new_page(*PHONE, locale="zh-CN")
    sign_in(page, "alice")
    page.goto("/templates")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    cell = page.locator("td.row-action").first.bounding_box()
    use = page.locator("td.row-action .button").first.bounding_box()
    assert cell and use and abs(use["x"] - cell["x"]) < 1 and abs(use["width"] - cell["width"]) < 1
    assert page.locator("td[data-label='语言']").first.inner_text().strip() in ("English", "中文")
