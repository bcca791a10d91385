"""Inbox pages: tabs and filters over htmx, delegate and comment, the bell, languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contracts.identity.models import User
from contracts.notifications.models import Notification
from engine.models import InstanceEvent
from tests.factories import add_user
from tests.webui.test_pages import browser_as, number_of, text  # noqa: F401 - fixture
from webui.extensions import db


@pytest.fixture
def waiting(browser_as):  # noqa: F811
    """Two contracts waiting for bob: (number, task id) of each."""
    alice, bob = browser_as("alice"), browser_as("bob")
    made = []
    for title, amount in (("Paper supply", "5000.00"), ("Office lease", "90000.00")):
        contract_id = alice.create_contract(title=title, amount=amount)
        alice.submit(contract_id)
        number = number_of(alice, contract_id)
        made.append((number, bob.task_id_for(number)))
    return made


def test_tabs_show_counts_and_filters_narrow_the_list(browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    (small, small_task), (large, _) = waiting
    bob.post(f"/inbox/tasks/{small_task}/claim")
    page = text(bob.get("/inbox/"))
    counts = dict(re.findall(r'scope=(\w+)"[^>]*>[^<]+<span class="count">(\d+)</span>', page))
    assert counts == {"mine": "1", "groups": "1", "completed": "0", "started": "0"}
    assert 'hx-trigger="every 30s"' in page
    found = text(bob.get("/inbox/?q=lease&sort=-amount"))
    assert large in found and small not in found
    found = text(bob.get("/inbox/?amount_min=10000&amount_max=100000"))
    assert large in found and small not in found


def test_an_htmx_request_gets_only_the_results(browser_as, waiting):  # noqa: F811
    html = text(browser_as("bob").get("/inbox/?scope=groups", headers={"HX-Request": "true"}))
    assert '<section id="inbox-results"' in html and "<html" not in html


def test_bad_filters_are_a_clear_422(browser_as):  # noqa: F811
    response = browser_as("bob").get("/inbox/?scope=everything&amount_min=lots&sort=colour")
    assert response.status_code == 422
    html = text(response)
    assert "scope" in html and "amount_min" in html and "sort" in html


def test_completed_tab_lists_what_i_did(browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    (small, task_id), (large, _) = waiting
    bob.complete(task_id, decision="approve", comment="ok")
    assert small in text(bob.get("/inbox/?scope=completed"))
    started = text(browser_as("alice").get("/inbox/?scope=started"))
    assert large in started and small not in started  # the small one is approved


def test_comment_is_shown_inert_in_the_timeline(browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    _, (_, task_id) = waiting
    bob.get(f"/inbox/tasks/{task_id}")
    response = bob.post(f"/inbox/tasks/{task_id}/comment", {"comment": "<script>alert(1)</script>"})
    assert response.status_code == 302
    page = text(bob.get(f"/inbox/tasks/{task_id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_an_oversized_comment_is_refused_and_nothing_recorded(app, browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    _, (_, task_id) = waiting
    bob.get(f"/inbox/tasks/{task_id}")
    response = bob.post(f"/inbox/tasks/{task_id}/comment", {"comment": "x" * 5000})
    assert response.status_code == 302
    assert "at most 4000" in text(bob.get(f"/inbox/tasks/{task_id}"))
    with app.app_context():
        assert not db.session.scalars(
            select(InstanceEvent).where(InstanceEvent.action == "commented")
        ).first()


def test_delegate_from_the_task_page(app, browser_as, waiting):  # noqa: F811
    add_user(app, "bert", roles=["dept_manager"], groups=["dept_manager:sales"])
    bob = browser_as("bob")
    _, (_, task_id) = waiting
    bob.get(f"/inbox/tasks/{task_id}")
    refused = bob.post(f"/inbox/tasks/{task_id}/delegate", {"to": "carol", "note": "x"})
    assert refused.status_code == 302
    assert "carol may not take this task" in text(bob.get(f"/inbox/tasks/{task_id}"))
    bob.post(f"/inbox/tasks/{task_id}/delegate", {"to": "bert", "note": "Over to you"})
    page = text(browser_as("bert").get(f"/inbox/tasks/{task_id}"))
    assert "Assignee: bert" in page and "Over to you" in page and "Delegated" in page


def test_tampered_task_form_posts_are_refused(browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    _, (_, task_id) = waiting
    bob.get(f"/inbox/tasks/{task_id}")
    for post in (
        {"decision": "approve", "amount": "1"},
        {"decision": "maybe"},
        {"decision": "approve", "comment": "x" * 4001},
    ):
        response = bob.post(f"/inbox/tasks/{task_id}", post)
        assert response.status_code == 422, post
    assert bob.task_id_for(waiting[1][0]) == task_id


def test_someone_elses_task_cannot_be_delegated_or_commented(browser_as, waiting):  # noqa: F811
    frank = browser_as("frank")
    _, (_, task_id) = waiting
    frank.get("/inbox/")
    assert frank.post(f"/inbox/tasks/{task_id}/comment", {"comment": "hi"}).status_code == 403
    assert frank.post(f"/inbox/tasks/{task_id}/delegate", {"to": "frank"}).status_code == 403


def test_the_bell_counts_unread_and_marks_read(app, browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    page = text(bob.get("/inbox/"))
    assert re.search(r'class="count count-alert">2<', page)
    listing = text(bob.get("/inbox/notifications"))
    assert listing.count('class="notification is-unread"') == 2
    with app.app_context():
        bob_id = db.session.scalars(select(User.id).where(User.username == "bob")).one()
        first = db.session.scalars(
            select(Notification.id).where(Notification.user_id == bob_id)
        ).first()
    bob.post(f"/inbox/notifications/{first}/read")
    assert re.search(r'class="count count-alert">1<', text(bob.get("/inbox/")))
    bob.post("/inbox/notifications/read")
    assert "count-alert" not in text(bob.get("/inbox/"))


def test_chinese_from_the_browser_and_the_language_switch(app, browser_as, waiting):  # noqa: F811
    bob = browser_as("bob")
    _, (_, task_id) = waiting
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    page = text(bob.get(f"/inbox/tasks/{task_id}", headers=zh))
    assert '<html lang="zh-CN">' in page
    for label in ("审批意见", "通过", "驳回", "对方单位", "审批记录", "待办"):
        assert label in page, label
    inbox = text(bob.get("/inbox/", headers=zh))
    assert "分配给我" in inbox and "我的组" in inbox and "认领" in inbox
    assert "90,000.00 CNY" in inbox
    bob.post("/inbox/language", {"locale": "zh", "next": "/inbox/"})
    assert "分配给我" in text(bob.get("/inbox/"))  # the profile wins over no header
    with app.app_context():
        assert db.session.scalars(select(User.locale).where(User.username == "bob")).one() == "zh"
    bob.post("/inbox/language", {"locale": "en"})
    assert "Assigned to me" in text(bob.get("/inbox/", headers=zh))
    assert bob.post("/inbox/language", {"locale": "fr"}).status_code == 422


def test_inbox_cards_carry_the_contract_title_and_the_groups_human_name(app, api):
    contract = api("alice").create_contract(title="Booth at the fair", amount="48000.00")
    api("alice").submit(contract["id"])
    client = app.test_client()
    client.post("/login", data={"username": "bob", "password": "demo1234"})
    html = client.get("/inbox/").get_data(as_text=True)
    card = html[html.index("Booth at the fair") - 400 :]
    card = card[: card.index("</li>")]
    assert 'class="task-name"' in card and ">Booth at the fair</a>" in card
    assert "department manager · Sales" in card
    assert "dept_manager:sales" not in card
