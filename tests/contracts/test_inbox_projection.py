"""The inbox's projection is told of each change, never listens to a Session; upkeep = rebuild."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from contracts.core.models import Contract
from contracts.identity.models import User
from contracts.inbox import projection
from contracts.inbox.models import InboxEntry
from engine import clock, instances
from engine.models import HumanTask, HumanTaskStatus
from engine.timers import fire_due_timers
from tests.factories import add_user
from webui.extensions import db
from webui.wiring import engine_environment

_COLUMNS = (
    InboxEntry.task_id,
    InboxEntry.kind,
    InboxEntry.audience,
    InboxEntry.state,
    InboxEntry.created_at,
    InboxEntry.due_at,
    InboxEntry.contract_id,
    InboxEntry.amount_cny,
    InboxEntry.contract_type_id,
    InboxEntry.department_id,
    InboxEntry.search,
)


def _rows(connection: Connection) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in connection.execute(select(*_COLUMNS)))


def _live(app) -> list[tuple[Any, ...]]:
    with app.app_context():
        return _rows(db.session.connection())


def test_a_bare_session_flush_runs_no_projection(app, api):
    contract = api("alice").create_contract(amount="5000.00")
    api("alice").submit(contract["id"])
    before = _live(app)
    assert before  # the submission's task has its entries
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            with Session(db.engine) as bare:
                user = bare.scalars(select(User).where(User.username == "bob")).one()
                user.email = "bob@elsewhere.test"  # unrelated to any task
                bare.flush()
                assert statements and not any("inbox_entry" in s for s in statements)
                # Even a projected field, written past the service, is not picked up.
                row = bare.get(Contract, contract["id"])
                assert row is not None
                row.title = "Renamed by hand"
                bare.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    assert not any("inbox_entry" in s for s in statements)
    assert _live(app) == before


def _escalated_contract(app, api) -> int:
    """A 500k contract whose legal task ran past its SLA and was escalated to the manager."""
    contract = api("alice").create_contract(amount="500000.00")
    api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])
    start = clock.now()
    for days in (3, 6):
        with time_machine.travel(start + timedelta(days=days, minutes=1), tick=False):
            with app.app_context():
                assert fire_due_timers(db.session, engine_environment()) == 1
                db.session.commit()
    task = api("bob").task_for(contract["id"])
    assert task is not None and "dept_manager:sales" in task["candidate_groups"]
    return int(contract["id"])


def _copy_of(app, tmp_path: Path) -> str:
    source = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    target = tmp_path / "copy.db"
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return f"sqlite:///{target}"


def test_upkeep_equals_a_rebuild_after_claims_delegation_escalation_and_edits(app, api, tmp_path):
    app.config["API_TOKEN_TTL"] = timedelta(days=30)  # the clock moves a week ahead
    add_user(app, "bert", roles=["dept_manager"], groups=["dept_manager:sales"], department="sales")
    escalated = _escalated_contract(app, api)
    # Legal rejects; alice edits what the entries copy while her revision task waits.
    legal = api("carol").task_for(escalated)
    assert legal is not None
    rejected = api("carol").complete(legal["id"], {"decision": "reject", "comment": "No"})
    assert rejected.status_code == 200, rejected.get_json()
    edited = api("alice").patch(
        f"/api/v1/contracts/{escalated}",
        json={"amount": "90000", "title": "Smaller deal", "counterparty": "Zeta Works"},
    )
    assert edited.status_code == 200, edited.get_json()

    delegated = api("alice").create_contract(amount="5000.00")
    api("alice").submit(delegated["id"])
    task_id = api("bob").task_for(delegated["id"])["id"]
    for step in ("claim", "unclaim"):
        assert api("bob").post(f"/api/v1/tasks/{task_id}/{step}").status_code == 200
    moved = api("bob").post(f"/api/v1/tasks/{task_id}/delegate", json={"to": "bert"})
    assert moved.status_code == 200, moved.get_json()
    api("bert").approve(delegated["id"])

    claimed = api("alice").create_contract(amount="6000.00")
    api("alice").submit(claimed["id"])
    claimed_task = api("bob").task_for(claimed["id"])["id"]
    assert api("bob").post(f"/api/v1/tasks/{claimed_task}/claim").status_code == 200

    terminated = api("alice").create_contract(amount="7000.00")
    api("alice").submit(terminated["id"])
    with app.app_context():
        task = db.session.get(HumanTask, api("bob").task_for(terminated["id"])["id"])
        assert task is not None
        instances.terminate(
            db.session,
            task.instance_id,
            actor="admin",
            env=engine_environment(),
            comment="duplicate",
        )
        db.session.commit()
        assert task.status == HumanTaskStatus.CANCELLED

    live = _live(app)
    assert {(kind, state) for _, kind, _, state, *_ in live} >= {
        ("c", "open"),
        ("c", "held"),
        ("c", "done"),
        ("c", "gone"),
        ("h", "held"),
        ("h", "done"),
        ("s", "open"),
        ("s", "gone"),
    }
    assert any(a == "g:dept_manager:sales" and s == "done" for _, _, a, s, *_ in live)
    assert any(search and "smaller deal" in search for *_, search in live)
    engine = create_engine(_copy_of(app, tmp_path))
    try:
        with engine.begin() as connection:
            projection.rebuild(connection)
            assert _rows(connection) == live
    finally:
        engine.dispose()
