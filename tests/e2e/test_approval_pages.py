"""The approval journey in a real Chromium, on a desktop and on a 375 px phone."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

APPROVERS = ("bob", "carol", "dave", "erin")
PHONE = (375, 812)


def create_and_submit(page, title: str, amount: str) -> str:
    """Alice drafts a sales contract through the form and submits it; return its number."""
    sign_in(page, "alice")
    page.click("nav >> text=New contract")
    page.fill("#title", title)
    page.select_option("#contract_type", "sales")
    page.fill("#counterparty", "ACME Trading Co.")
    page.fill("#amount", amount)
    page.select_option("#currency", "CNY")
    page.select_option("#department", "sales")
    page.fill("#effective_date", "2027-01-01")
    page.fill("#expiry_date", "2027-12-31")
    page.fill("#tags", "e2e, big")
    page.fill("#description", "Drafted in a real browser.")
    page.click("text=Create draft")
    page.wait_for_url(re.compile(r".*/contracts/\d+$"))
    page.click("text=Submit for approval")
    page.wait_for_selector(".badge-in_review")
    number = page.text_content(".eyebrow").strip()
    assert re.fullmatch(r"HT-\d{4}-\d+", number), number
    return number


def open_task(page, number: str) -> None:
    page.click("nav >> text=Inbox")
    page.wait_for_url("**/inbox/")
    card = page.locator(".task-card", has_text=number)
    card.locator("a.task-name").click()
    page.wait_for_url(re.compile(r".*/inbox/tasks/\d+$"))


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"{page.url} is {width}px wide"


def test_2m_contract_approved_by_four_people_in_the_browser(new_page):
    drafter = new_page()
    number = create_and_submit(drafter, "Big deal (e2e)", "2000000.00")
    screenshot(drafter, "desktop-contract-submitted")

    for approver in APPROVERS:
        page = new_page()
        sign_in(page, approver)
        assert page.locator(".task-card", has_text=number).count() == 1
        if approver == "bob":
            screenshot(page, "desktop-inbox")
        open_task(page, number)
        page.click("button:has-text('Claim')")
        page.wait_for_selector(f"text=Assignee: {approver}")
        page.check("input[name=decision][value=approve]")
        page.fill("#field-comment", f"{approver} agrees")
        if approver == "bob":
            screenshot(page, "desktop-task")
        page.click("text=Complete task")
        page.wait_for_url("**/inbox/")
        assert "Done:" in page.text_content(".flash-success")
        assert page.locator(".task-card", has_text=number).count() == 0

    drafter.reload()
    drafter.wait_for_selector(".badge-approved")
    comments = drafter.locator(".timeline .comment").all_text_contents()
    assert comments == [f"{a} agrees" for a in APPROVERS]
    screenshot(drafter, "desktop-contract-approved")


def test_inbox_and_task_page_fit_a_375px_phone(new_page):
    drafter = new_page(*PHONE)
    number = create_and_submit(drafter, "Phone deal (e2e)", "2000000.00")
    assert_no_horizontal_scroll(drafter)
    screenshot(drafter, "phone-contract")
    drafter.goto("/contracts/")
    assert_no_horizontal_scroll(drafter)
    screenshot(drafter, "phone-contracts-list")
    drafter.goto("/contracts/new")
    assert_no_horizontal_scroll(drafter)
    screenshot(drafter, "phone-contract-form")

    for approver in APPROVERS:
        page = new_page(*PHONE)
        sign_in(page, approver)
        assert_no_horizontal_scroll(page)
        if approver == "bob":
            screenshot(page, "phone-inbox")
        open_task(page, number)
        assert_no_horizontal_scroll(page)
        page.check("input[name=decision][value=approve]")
        page.fill("#field-comment", f"{approver} approves from a phone")
        if approver == "erin":
            screenshot(page, "phone-task")
        box = page.locator("text=Complete task").bounding_box()
        assert box is not None and box["height"] >= 44
        page.click("text=Complete task")
        page.wait_for_url("**/inbox/")
        assert_no_horizontal_scroll(page)

    drafter.goto(drafter.url.split("/contracts")[0] + "/contracts/")
    drafter.locator("a", has_text=number).click()
    drafter.wait_for_selector(".badge-approved")
    assert_no_horizontal_scroll(drafter)


def test_rejecting_without_a_comment_shows_the_field_error(new_page):
    drafter = new_page()
    number = create_and_submit(drafter, "Small deal (e2e)", "5000.00")

    page = new_page()
    sign_in(page, "bob")
    open_task(page, number)
    page.check("input[name=decision][value=reject]")
    page.click("text=Complete task")
    error = page.wait_for_selector("#field-comment-errors")
    assert "is required" in error.text_content()
    assert page.is_checked("input[name=decision][value=reject]")
    assert page.get_attribute("#field-comment", "aria-invalid") == "true"
    screenshot(page, "desktop-task-reject-error")

    drafter.reload()
    assert drafter.locator(".event-rejected").count() == 0
    assert drafter.locator(".badge-in_review").count() == 1


def test_contract_filters_update_the_list_in_place(new_page):
    page = new_page()
    number = create_and_submit(page, "Filtered deal (e2e)", "3000.00")
    page.click("nav >> text=Contracts")
    page.wait_for_selector(f"text={number}")
    page.evaluate("window.notReloaded = true")
    page.select_option("#status", "draft")
    page.wait_for_selector("#results >> text=0 contracts")
    assert "status=draft" in page.url
    page.select_option("#status", "in_review")
    page.wait_for_selector(f"#results >> text={number}")
    # htmx swapped the results: the page itself never reloaded.
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "desktop-contracts-list")


def test_the_task_page_in_chinese(new_page):
    drafter = new_page()
    number = create_and_submit(drafter, "Chinese page (e2e)", "2000000.00")

    page = new_page(locale="zh-CN")
    sign_in(page, "bob")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "分配给我" in page.text_content(".tabs")
    screenshot(page, "zh-inbox")
    page.locator(".task-card", has_text=number).locator("a.task-name").click()
    page.wait_for_url(re.compile(r".*/inbox/tasks/\d+$"))
    form = page.text_content(".task-form")
    for label in ("审批意见", "通过", "驳回", "意见", "提交"):
        assert label in form, label
    assert "对方单位" in page.text_content("body") and "审批记录" in page.text_content("body")
    screenshot(page, "zh-task")


def test_comment_delegate_and_the_bell_on_a_phone(new_page):
    drafter = new_page()
    number = create_and_submit(drafter, "Delegated deal (e2e)", "5000.00")

    page = new_page(*PHONE)
    sign_in(page, "bob")
    bell = page.locator(".bell")
    assert int(bell.locator(".count").text_content()) >= 1
    box = bell.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    bell.click()
    page.wait_for_url("**/inbox/notifications")
    assert_no_horizontal_scroll(page)
    screenshot(page, "phone-notifications")
    page.locator(".notification", has_text=number).locator("a").click()
    page.wait_for_url(re.compile(r".*/inbox/tasks/\d+$"))
    page.fill("#side-comment", "<b>checking</b> the numbers")
    page.click("button:has-text('Add comment')")
    page.wait_for_selector(".flash-success")
    assert page.locator(".timeline .comment", has_text="<b>checking</b>").count() == 1
    page.fill("#delegate-to", "carol")
    page.click("button:has-text('Delegate')")
    assert "carol may not take this task" in page.text_content(".flash-error")
    assert_no_horizontal_scroll(page)
    for button in page.locator("main button").all():
        if button.is_visible():
            size = button.bounding_box()
            assert size is not None and size["height"] >= 44, button.text_content()
    screenshot(page, "phone-task-actions")


def test_inbox_filters_refresh_the_list_in_place(new_page):
    drafter = new_page()
    small = create_and_submit(drafter, "Filter small (e2e)", "5000.00")
    large = create_and_submit(drafter, "Filter large (e2e)", "90000.00")

    page = new_page()
    sign_in(page, "bob")
    page.evaluate("window.notReloaded = true")
    page.fill("#amount_min", "10000")
    page.press("#amount_min", "Enter")
    page.wait_for_function(
        "n => !document.querySelector('#inbox-results').textContent.includes(n)", arg=small
    )
    assert large in page.text_content("#inbox-results")
    assert "amount_min=10000" in page.url
    page.select_option("#sort", "-amount")
    page.wait_for_url(re.compile(r".*sort=-amount.*"))
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "desktop-inbox-filtered")
