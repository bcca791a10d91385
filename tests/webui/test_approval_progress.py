"""A contract in review says where it waits: the step now, who may act, and the route after it."""

from __future__ import annotations

import re

import pytest

from tests.webui.test_pages import Browser, text


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def progress_of(html: str) -> str:
    found = re.search(r'aria-labelledby="progress-heading">(.*?)</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def test_a_large_sales_contract_waits_for_legal_then_finance_and_the_executive(app, api):
    contract = api("alice").create_contract(amount="2000000.00")
    api("alice").submit(contract["id"])
    alice = signed_in(app, "alice")

    before = progress_of(text(alice.get(f"/contracts/{contract['id']}")))
    assert "Waiting for department manager · Sales (bob)" in before
    assert "Then: legal (carol) → finance (dave) → executive (erin)" in before

    api("bob").approve(contract["id"])
    after = progress_of(text(alice.get(f"/contracts/{contract['id']}")))
    assert "Waiting for legal (carol)" in after
    assert "Then: finance (dave) → executive (erin)" in after
    assert "bob" not in after

    listing = text(alice.get("/contracts/"))
    row = listing[listing.index(contract["number"]) :]
    row = row[: row.index("</tr>")]
    assert "legal (carol)" in row


def test_it_names_the_holder_once_a_task_is_claimed(app, api):
    contract = api("alice").create_contract(amount="2000000.00")
    api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])
    task = api("carol").task_for(contract["id"])
    assert api("carol").post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    html = progress_of(text(signed_in(app, "alice").get(f"/contracts/{contract['id']}")))
    assert "Waiting for legal (carol)" in html


def test_a_rejected_contract_waits_for_its_drafter(app, api):
    contract = api("alice").create_contract(amount="5000.00")
    api("alice").submit(contract["id"])
    task = api("bob").task_for(contract["id"])
    api("bob").complete(task["id"], {"decision": "reject", "comment": "Wrong party"})
    html = progress_of(text(signed_in(app, "alice").get(f"/contracts/{contract['id']}")))
    assert "Waiting for the drafter (alice)" in html
    assert "Then" not in html


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_nothing_is_said_when_nothing_waits(app, api, status):
    contract = api("alice").create_contract(amount="5000.00")
    if status == "approved":
        api("alice").submit(contract["id"])
        api("bob").approve(contract["id"])
    html = text(signed_in(app, "alice").get(f"/contracts/{contract['id']}"))
    assert "progress-heading" not in html


def test_the_route_reads_in_chinese(app, api):
    contract = api("alice").create_contract(amount="2000000.00")
    api("alice").submit(contract["id"])
    alice = signed_in(app, "alice")
    html = alice.get(f"/contracts/{contract['id']}", headers={"Accept-Language": "zh-CN"})
    progress = progress_of(text(html))
    assert "等待 部门经理 · 销售部 (bob)" in progress
    assert "法务 (carol) → 财务 (dave) → 高管 (erin)" in progress
