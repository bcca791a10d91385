"""Inbox service: tabs, filters, sort, search, counts; delegate and comment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.inbox import actions
from contracts.inbox import queries as inbox
from contracts.notifications.models import Notification
from engine import clock
from engine.errors import ConflictError
from engine.models import HumanTask, InstanceEvent, OutboxMessage
from tests.factories import add_user
from webui.extensions import db
from webui.wiring import engine_environment


def actor(username: str) -> Actor:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    return Actor(user=user)


def numbers(views: list[inbox.TaskView]) -> list[str]:
    return [v.contract.number for v in views if v.contract]


@pytest.fixture
def three(api, app):
    """Three submitted sales contracts waiting for bob's group: small, medium, large."""
    made = {}
    for title, amount, counterparty in (
        ("Printer paper", "5000.00", "Paper Co."),
        ("Warehouse lease", "80000.00", "Lease Partners"),
        ("Fleet trucks", "60000.00", "Truck Works"),
    ):
        contract = api("alice").create_contract(
            title=title, amount=amount, counterparty=counterparty
        )
        api("alice").submit(contract["id"])
        made[title] = contract["number"]
    with app.app_context():
        yield made


def test_groups_tab_lists_unclaimed_tasks_of_my_groups_only(three):
    views, total = inbox.list_tasks(db.session, inbox.TaskFilters(scope="groups"), actor("bob"))
    assert total == 3 and sorted(numbers(views)) == sorted(three.values())
    assert inbox.list_tasks(db.session, inbox.TaskFilters(), actor("carol"))[1] == 0


def test_mine_tab_holds_claimed_tasks_and_counts_follow(three):
    bob = actor("bob")
    views, _ = inbox.list_tasks(db.session, inbox.TaskFilters(scope="groups"), bob)
    actions.claim_task(db.session, views[0].task.id, bob, engine_environment())
    mine, total = inbox.list_tasks(db.session, inbox.TaskFilters(scope="mine"), bob)
    assert total == 1 and mine[0].task.id == views[0].task.id
    counts = inbox.tab_counts(db.session, inbox.TaskFilters(), bob)
    assert counts == {"mine": 1, "groups": 2, "completed": 0, "started": 0}


def test_completed_and_started_tabs(three, app):
    bob, alice = actor("bob"), actor("alice")
    views, _ = inbox.list_tasks(db.session, inbox.TaskFilters(scope="groups"), bob)
    from webui.settings import form_library

    with app.test_request_context():
        actions.complete_task(
            db.session,
            views[0].task.id,
            {"decision": "approve"},
            bob,
            form_library(),
            engine_environment(),
        )
    db.session.commit()
    done, total = inbox.list_tasks(db.session, inbox.TaskFilters(scope="completed"), bob)
    assert total == 1 and done[0].task.completed_by == "bob"
    started, total = inbox.list_tasks(db.session, inbox.TaskFilters(scope="started"), alice)
    assert total == 2  # the small one needed only bob: approved, no task left
    assert inbox.list_tasks(db.session, inbox.TaskFilters(scope="started"), bob)[1] == 0


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (inbox.TaskFilters(q="lease"), ["Warehouse lease"]),
        (inbox.TaskFilters(q="truck works"), ["Fleet trucks"]),
        (inbox.TaskFilters(q="%"), []),
        (inbox.TaskFilters(amount_min=Decimal("60000")), ["Warehouse lease", "Fleet trucks"]),
        (inbox.TaskFilters(amount_max=Decimal("60000")), ["Printer paper", "Fleet trucks"]),
        (
            inbox.TaskFilters(contract_type="sales"),
            ["Printer paper", "Warehouse lease", "Fleet trucks"],
        ),
        (inbox.TaskFilters(contract_type="nda"), []),
        (
            inbox.TaskFilters(department="sales"),
            ["Printer paper", "Warehouse lease", "Fleet trucks"],
        ),
        (inbox.TaskFilters(department="rd"), []),
        (inbox.TaskFilters(overdue=True), []),
        (inbox.TaskFilters(due="overdue"), []),
        (inbox.TaskFilters(due="week"), ["Printer paper", "Warehouse lease", "Fleet trucks"]),
        (inbox.TaskFilters(due="today"), []),
    ],
)
def test_filters_and_search(three, filters, expected):
    views, total = inbox.list_tasks(db.session, filters, actor("bob"))
    assert sorted(numbers(views)) == sorted(three[t] for t in expected)
    assert total == len(expected)


def test_search_matches_the_contract_number(three):
    number = three["Fleet trucks"]
    views, _ = inbox.list_tasks(db.session, inbox.TaskFilters(q=number), actor("bob"))
    assert numbers(views) == [number]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("amount", ["Printer paper", "Fleet trucks", "Warehouse lease"]),
        ("-amount", ["Warehouse lease", "Fleet trucks", "Printer paper"]),
        ("created", ["Printer paper", "Warehouse lease", "Fleet trucks"]),
        ("-created", ["Fleet trucks", "Warehouse lease", "Printer paper"]),
        ("due", ["Printer paper", "Warehouse lease", "Fleet trucks"]),
        ("-due", ["Fleet trucks", "Warehouse lease", "Printer paper"]),
    ],
)
def test_sort(three, sort, expected):
    views, _ = inbox.list_tasks(db.session, inbox.TaskFilters(sort=sort), actor("bob"))
    assert numbers(views) == [three[t] for t in expected]


def test_overdue_tasks_are_found_and_pagination(three):
    task = db.session.scalars(select(HumanTask).order_by(HumanTask.id)).first()
    task.due_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    views, total = inbox.list_tasks(db.session, inbox.TaskFilters(overdue=True), actor("bob"))
    assert total == 1 and views[0].task.id == task.id
    page2, total = inbox.list_tasks(db.session, inbox.TaskFilters(per_page=2, page=2), actor("bob"))
    assert total == 3 and len(page2) == 1


@pytest.fixture
def second_manager(app):
    add_user(app, "bert", roles=["dept_manager"], groups=["dept_manager:sales"], department="sales")
    with app.app_context():
        db.session.execute(
            User.__table__.update().where(User.username == "bert").values(email="bert@x.test")
        )
        db.session.commit()


def test_delegate_assigns_records_audits_and_notifies(three, second_manager):
    bob = actor("bob")
    task = inbox.list_tasks(db.session, inbox.TaskFilters(), bob)[0][0].task
    view = actions.delegate_task(
        db.session, task.id, "bert", "Please take this one", bob, engine_environment()
    )
    db.session.commit()
    assert view.task.assignee == "bert"
    event = db.session.scalars(
        select(InstanceEvent).where(InstanceEvent.action == "delegated")
    ).one()
    assert (event.actor, event.comment, event.details["to"]) == (
        "bob",
        "Please take this one",
        "bert",
    )
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "task.delegate")).one()
    bert = actor("bert").user
    note = db.session.scalars(
        select(Notification).where(
            Notification.user_id == bert.id, Notification.kind == "task_delegated"
        )
    ).one()
    assert note.link == f"/inbox/tasks/{task.id}"
    assert inbox.list_tasks(db.session, inbox.TaskFilters(scope="mine"), actor("bert"))[1] == 1


@pytest.mark.parametrize(
    ("to", "field"),
    [("carol", "to"), ("nobody", "to"), ("", "to"), (None, "to"), ("bob", "to"), (7, "to")],
)
def test_delegate_to_a_non_candidate_is_422_and_records_nothing(three, to, field):
    bob = actor("bob")
    task = inbox.list_tasks(db.session, inbox.TaskFilters(), bob)[0][0].task
    with pytest.raises(ValidationError) as caught:
        actions.delegate_task(db.session, task.id, to, "x", bob, engine_environment())
    db.session.rollback()
    assert field in caught.value.details
    assert db.session.get(HumanTask, task.id).assignee is None
    assert not db.session.scalars(
        select(InstanceEvent).where(InstanceEvent.action == "delegated")
    ).first()


def test_only_a_candidate_may_delegate_or_comment(three):
    task = inbox.list_tasks(db.session, inbox.TaskFilters(), actor("bob"))[0][0].task
    with pytest.raises(PermissionDeniedError):
        actions.delegate_task(
            db.session, task.id, "bob", None, actor("carol"), engine_environment()
        )
    with pytest.raises(PermissionDeniedError):
        actions.comment_on_task(db.session, task.id, "hi", actor("carol"))


def test_a_task_claimed_by_another_cannot_be_delegated(three, second_manager):
    task = inbox.list_tasks(db.session, inbox.TaskFilters(), actor("bob"))[0][0].task
    actions.claim_task(db.session, task.id, actor("bert"), engine_environment())
    with pytest.raises(ConflictError):
        actions.delegate_task(db.session, task.id, "bert", None, actor("bob"), engine_environment())


def test_comment_is_recorded_without_completing(three):
    bob = actor("bob")
    task = inbox.list_tasks(db.session, inbox.TaskFilters(), bob)[0][0].task
    actions.comment_on_task(db.session, task.id, "  <script>alert(1)</script> ", bob)
    db.session.commit()
    event = db.session.scalars(
        select(InstanceEvent).where(InstanceEvent.action == "commented")
    ).one()
    assert event.comment == "<script>alert(1)</script>" and event.actor == "bob"
    assert db.session.get(HumanTask, task.id).status == "ready"


@pytest.mark.parametrize("comment", ["", "   ", None, "x" * 4001, ["a"]])
def test_bad_comments_are_422_and_record_nothing(three, comment):
    bob = actor("bob")
    task = inbox.list_tasks(db.session, inbox.TaskFilters(), bob)[0][0].task
    with pytest.raises(ValidationError):
        actions.comment_on_task(db.session, task.id, comment, bob)
    db.session.rollback()
    assert not db.session.scalars(
        select(InstanceEvent).where(InstanceEvent.action == "commented")
    ).first()


def test_new_tasks_notify_their_candidates_by_app_and_mail(three):
    bob = actor("bob").user
    notes = db.session.scalars(
        select(Notification).where(
            Notification.user_id == bob.id, Notification.kind == "task_ready"
        )
    ).all()
    assert len(notes) == 3 and all(n.link.startswith("/inbox/tasks/") for n in notes)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).all()
    to_bob = [m for m in mails if m.payload["to"] == [bob.email]]
    assert len(to_bob) == 3
    payload = to_bob[0].payload
    assert set(payload) == {"to", "subject", "text", "html", "link"}
    assert payload["link"] in payload["text"] and "/inbox/tasks/" in payload["link"]
