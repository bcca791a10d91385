"""The approval SLA: a reminder after one period, escalation after the second."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from contracts.identity.models import User
from contracts.notifications.models import Notification
from engine import clock
from engine.timers import fire_due_timers
from webui.extensions import db
from webui.wiring import engine_environment


def _notifications(app, username):
    """The user's SLA notifications (not the "task_ready" ones every new task sends)."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        return [
            n.kind
            for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))
            if n.kind != "task_ready"
        ]


def _fire(app):
    with app.app_context():
        return fire_due_timers(db.session, engine_environment())


def test_reminder_then_escalation_to_the_department_manager(app, api):
    app.config["API_TOKEN_TTL"] = timedelta(days=30)  # the clock moves a week ahead
    contract = api("alice").create_contract(amount="500000.00")
    api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])  # now legal's turn
    start = clock.now()
    assert _fire(app) == 0

    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert _fire(app) == 0
        assert _notifications(app, "carol") == []

    with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
        assert _fire(app) == 1
        assert _notifications(app, "carol") == ["task_reminder"]
        assert api("bob").task_for(contract["id"]) is None  # not escalated yet
        assert _fire(app) == 0  # a reminder is sent once

    with time_machine.travel(start + timedelta(days=6, minutes=1), tick=False):
        assert _fire(app) == 1
        assert _notifications(app, "bob") == ["task_escalated"]
        escalated = api("bob").task_for(contract["id"])
        assert escalated is not None and set(escalated["candidate_groups"]) == {
            "legal",
            "dept_manager:sales",
        }
        assert api("bob").get("/api/v1/tasks?overdue=true").get_json()["total"] == 1

    timeline = api("alice").get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    assert [e["action"] for e in timeline if e["action"] in ("reminded", "escalated")] == [
        "reminded",
        "escalated",
    ]

    # The escalated manager can decide; the process goes on normally.
    api("bob").approve(contract["id"])
    api("dave").approve(contract["id"])
    assert (
        api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"
    )


def test_approving_in_time_cancels_the_sla_timers(app, api):
    app.config["API_TOKEN_TTL"] = timedelta(days=60)
    contract = api("alice").create_contract(amount="500.00")
    api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])
    with time_machine.travel(clock.now() + timedelta(days=30), tick=False):
        assert _fire(app) == 0
    assert _notifications(app, "bob") == []
