"""Each person's home page, and the administrators' overview at /admin."""

from __future__ import annotations

import re

import pytest

from tests.webui.test_pages import Browser, text


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert found, heading_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_a_drafter_sees_her_contracts_and_what_each_waits_for(app, api):
    waiting = api("alice").create_contract(title="Booth at the fair", amount="48000.00")
    api("alice").submit(waiting["id"])
    api("alice").create_contract(title="Still a draft")
    api("frank").create_contract(
        title="Not hers", contract_type="purchase", department="procurement"
    )
    html = text(signed_in(app, "alice").get("/home"))
    mine = section(html, "home-mine")
    assert "Booth at the fair" in mine and "Still a draft" in mine
    assert "Not hers" not in mine
    assert "Waiting for department manager · Sales (bob)" in mine
    assert "No task is waiting for you" in section(html, "home-tasks")


def test_an_approver_sees_what_waits_for_him(app, api):
    contract = api("alice").create_contract(title="Booth at the fair", amount="48000.00")
    api("alice").submit(contract["id"])
    tasks = section(text(signed_in(app, "bob").get("/home")), "home-tasks")
    assert "Booth at the fair" in tasks and "48,000.00 CNY" in tasks


def test_another_department_sees_none_of_it(app, api):
    contract = api("alice").create_contract(title="Booth at the fair", amount="48000.00")
    api("alice").submit(contract["id"])
    html = text(signed_in(app, "frank").get("/home"))
    assert "Booth at the fair" not in html


def test_the_home_page_reads_in_chinese(app):
    html = text(signed_in(app, "alice").get("/home", headers={"Accept-Language": "zh-CN"}))
    assert "等待我处理" in html and "我进行中的合同" in html


def test_the_admin_overview_counts_the_installation(app, api):
    contract = api("alice").create_contract(amount="48000.00")
    api("alice").submit(contract["id"])
    admin = signed_in(app, "admin")
    response = admin.get("/admin")
    assert response.status_code == 200
    html = text(response)
    assert "11 active users" in section(html, "ov-people")
    assert "In review" in section(html, "ov-contracts")
    assert "running 1" in section(html, "ov-instances")
    assert admin.get("/admin/").status_code == 200


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "integrator"])
def test_only_admins_see_the_overview(app, username):
    assert signed_in(app, username).get("/admin").status_code == 403
