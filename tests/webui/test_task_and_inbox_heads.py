"""What a user sees first: the inbox's folded filters and the task page's heading."""

from __future__ import annotations

import json
import re

from tests.webui.test_pages import (  # noqa: F401 - fixture
    browser_as,
    contract_form,
    errors_of,
    number_of,
    text,
)

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _submitted(browser_as, title: str = "Booth at the fair") -> tuple[int, str, int]:  # noqa: F811
    alice = browser_as("alice")
    contract_id = alice.create_contract(title=title, amount="48000.00")
    alice.submit(contract_id)
    number = number_of(alice, contract_id)
    return contract_id, number, browser_as("bob").task_id_for(number)


def test_the_task_heading_names_and_links_its_contract(browser_as):  # noqa: F811
    contract_id, number, task_id = _submitted(browser_as)
    html = text(browser_as("bob").get(f"/inbox/tasks/{task_id}"))
    head = html[html.index('<div class="page-head">') : html.index('<div class="columns">')]
    subject = re.search(r'<p class="task-subject"><a href="([^"]+)">(.*?)</a>', head, re.S)
    assert subject, head
    assert subject.group(1) == f"/contracts/{contract_id}"
    assert number in subject.group(2) and "Booth at the fair" in subject.group(2)
    assert f"<title>Approve contract · {number} · ContractFlow</title>" in html


def test_the_inbox_filters_fold_under_a_summary_of_what_is_set(browser_as):  # noqa: F811
    _submitted(browser_as)
    bob = browser_as("bob")
    html = text(bob.get("/inbox/"))
    fold = re.search(r'<details id="inbox-filter-fold" class="filter-fold" open>\s*<summary>', html)
    assert fold, "the filters are a disclosure, open as rendered (desktop)"
    assert html.index("inbox-filter-fold") < html.index('id="q"') < html.index("</details>")
    assert re.search(r'id="inbox-filter-summary"[^>]*>none set<', html)
    assert "js/filter-fold.js" in html

    narrowed = text(bob.get("/inbox/?department=sales&amount_min=10000&due=week"))
    summary = re.search(r'id="inbox-filter-summary"[^>]*>([^<]*)<', narrowed).group(1)
    assert summary == "3 set: Sales · from 10,000.00 CNY · Due within 7 days"

    zh = text(bob.get("/inbox/?department=sales&amount_min=10000", headers=ZH))
    summary = re.search(r'id="inbox-filter-summary"[^>]*>([^<]*)<', zh).group(1)
    assert summary == "已设 2 项：销售部 · 不低于 10,000.00 元"


def test_an_htmx_refresh_updates_the_filter_summary_out_of_band(browser_as):  # noqa: F811
    _submitted(browser_as)
    html = text(browser_as("bob").get("/inbox/?q=booth", headers={"HX-Request": "true"}))
    assert '<section id="inbox-results"' in html and "<html" not in html
    oob = re.search(r'<span id="inbox-filter-summary"[^>]*hx-swap-oob="true">([^<]*)<', html)
    assert oob and oob.group(1) == "1 set: “booth”"


def test_a_field_error_joins_label_and_problem_as_the_language_does(browser_as):  # noqa: F811
    alice = browser_as("alice")
    alice.get("/contracts/new")
    form = contract_form(counterparty="", amount="abc")
    english = text(alice.post("/contracts/new", form))
    assert "Counterparty is required" in errors_of(english, "counterparty")
    chinese = text(alice.post("/contracts/new", form, headers=ZH))
    assert "对方单位为必填项" in errors_of(chinese, "counterparty")
    assert "金额必须是数字" in errors_of(chinese, "amount")


def test_an_edit_refusal_says_why_and_what_would_open_it(browser_as):  # noqa: F811
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    dave = browser_as("dave")
    refused = dave.get(f"/contracts/{contract_id}/edit", headers=ZH)
    assert "“销售部”部门" in text(dave.get(refused.location, headers=ZH))  # not "Sales"

    alice.submit(contract_id)
    edit = alice.get(f"/contracts/{contract_id}/edit")
    html = text(alice.get(edit.location))
    assert "is in review, so you cannot edit it now" in html
    assert "If it is rejected, you can revise it" in html
    edit = alice.get(f"/contracts/{contract_id}/edit", headers=ZH)
    assert "正在审批中，现在不能编辑" in text(alice.get(edit.location, headers=ZH))


def test_the_routing_page_hands_the_decision_table_editor_its_words(browser_as):  # noqa: F811
    admin = browser_as("admin")
    html = text(admin.get("/admin/processes/routing", headers=ZH))
    raw = re.search(r"data-labels='([^']*)'", html).group(1)
    labels = json.loads(raw)
    assert labels["dmn:When"] == "当" and labels["dmn:Then"] == "则"
    assert labels["dmn:Hit policy:"] == "命中策略：" and labels["dmn:First"] == "首个命中"
