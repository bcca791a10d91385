"""The inbox's projection on PostgreSQL: tab counts follow the work; backfill equals upkeep."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select

from contracts.inbox import projection as inbox_entries
from contracts.inbox.models import InboxEntry
from webui.extensions import db
from webui.migrations import alembic_config

pytestmark = pytest.mark.integration


def counts(api, username: str, query: str = "") -> dict[str, int]:
    response = api(username).get(f"/api/v1/tasks/counts?{query}")
    assert response.status_code == 200, response.get_json()
    return {scope: n for scope, n in response.get_json().items() if n}


def entries(app) -> list[tuple[object, ...]]:
    with app.app_context():
        columns = [c for c in InboxEntry.__table__.c if c.name != "id"]
        rows = db.session.execute(select(*columns)).all()
        db.session.remove()
        return sorted(tuple(r) for r in rows)


def test_counts_follow_the_work_and_the_backfill_writes_the_same_rows(app, api, pg_url):
    numbers = {}
    for amount in ("5000.00", "500000.00", "80000.00"):
        contract = api("alice").create_contract(amount=amount, title=f"Deal {amount}")
        api("alice").submit(contract["id"])
        numbers[amount] = contract
    assert counts(api, "bob") == {"groups": 3}
    assert counts(api, "bob", "q=deal%20500000") == {"groups": 1}

    api("bob").approve(numbers["500000.00"]["id"])  # now legal's turn
    waiting = api("bob").task_for(numbers["80000.00"]["id"])
    assert api("bob").post(f"/api/v1/tasks/{waiting['id']}/claim").status_code == 200
    assert counts(api, "bob") == {"mine": 1, "groups": 1, "completed": 1}
    assert counts(api, "carol") == {"groups": 1}
    assert counts(api, "alice") == {"started": 3}
    assert counts(api, "bob", "amount_min=10000") == {"mine": 1, "completed": 1}

    live = entries(app)
    assert len(live) == 4 * 3  # four tasks: a candidate, holder and starter entry each
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    command.downgrade(alembic_config(pg_url), "a9c3e7f1b2d5")
    command.upgrade(alembic_config(pg_url), "head")
    assert entries(app) == live
    with app.app_context():
        inbox_entries.rebuild(db.session.connection())
        db.session.commit()
    assert entries(app) == live
