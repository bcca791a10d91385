"""Timers fire exactly once on PostgreSQL, however many workers run the timer job at once."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from contracts.approval.settings import ApprovalSettings
from contracts.core import service
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.notifications.models import Notification
from engine import clock
from engine.models import InstanceEvent, InstanceStatus, ProcessInstance
from engine.timers import fire_due_timers
from tests.factories import contract_payload
from webui.extensions import db
from webui.wiring import engine_environment

pytestmark = pytest.mark.integration

INSTANCES = 50
WORKERS = 2


def submit_contracts(count: int, settings: ApprovalSettings) -> list[int]:
    """Create and submit `count` small sales contracts as alice; return their instance ids."""
    alice = Actor(db.session.scalars(select(User).where(User.username == "alice")).one())
    ids = []
    for n in range(count):
        contract = service.create_contract(db.session, contract_payload(title=f"Timer {n}"), alice)
        ids.append(
            service.submit_contract(
                db.session, contract.id, alice, settings, engine_environment()
            ).process_instance_id
        )
        db.session.commit()
    return ids


def test_fifty_due_timers_fire_exactly_once_from_two_concurrent_jobs(app):
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        instance_ids = submit_contracts(INSTANCES, ApprovalSettings(sla_period="PT1S"))
        last_due = db.session.scalar(select(func.max(ProcessInstance.next_timer_at)))
    time.sleep(max(0.0, (last_due - clock.now()).total_seconds()) + 0.1)

    barrier = threading.Barrier(WORKERS)
    fired: list[int] = []
    errors: list[BaseException] = []

    def job() -> None:
        # Its own app context, so its own session and connection: a second worker.
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                fired.append(fire_due_timers(db.session, engine_environment(), batch=5))
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=job, name=f"timer-job-{i}") for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a timer job hung"
    assert not errors, errors
    print(f"timers fired per job: {fired}")

    with app.app_context():
        assert sum(fired) == INSTANCES
        timer_events = Counter(
            db.session.scalars(
                select(InstanceEvent.instance_id).where(
                    InstanceEvent.instance_id.in_(instance_ids),
                    InstanceEvent.action == "timer_fired",
                )
            )
        )
        reminders = Counter(
            db.session.scalars(
                select(InstanceEvent.instance_id).where(
                    InstanceEvent.instance_id.in_(instance_ids), InstanceEvent.action == "reminded"
                )
            )
        )
        assert timer_events == {i: 1 for i in instance_ids}
        assert reminders == {i: 1 for i in instance_ids}
        # One reminder to bob (the only sales manager) per instance; nobody marked failed.
        reminder_notes = select(func.count()).where(Notification.kind == "task_reminder")
        assert db.session.scalar(reminder_notes) == INSTANCES
        statuses = db.session.scalars(
            select(ProcessInstance.status).where(ProcessInstance.id.in_(instance_ids))
        ).all()
        assert set(statuses) == {InstanceStatus.RUNNING}
        # What is left waiting is the escalation, days away: another run fires nothing.
        assert fire_due_timers(db.session, engine_environment()) == 0
