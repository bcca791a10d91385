"""The `contractflow` commands a newcomer runs: init-db, demo, deploy-processes."""

from __future__ import annotations

from sqlalchemy import func, select

from contracts.core.models import Contract
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.inbox import queries as inbox
from engine.models import ProcessDefinition
from tests.conftest import make_app
from webui.extensions import db


def test_init_db_then_demo_on_an_empty_database(tmp_path):
    app = make_app(tmp_path / "new.db", tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "alice" in result.output and "demo1234" in result.output
    assert "11 user(s), 6 sample contract(s) created" in result.output
    again = runner.invoke(args=["demo"])  # idempotent
    assert again.exit_code == 0 and "0 user(s), 0 sample contract(s) created" in again.output
    assert runner.invoke(args=["init-db"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 11
        statuses = db.session.execute(
            select(Contract.status, func.count()).group_by(Contract.status)
        ).all()
        assert dict(statuses) == {"in_review": 3, "approved": 1, "rejected": 1, "draft": 1}
        # Each approver of the demo finds the work the README lists waiting for them.
        for username, waiting in {"bob": 1, "carol": 1, "dave": 1, "frank": 1, "erin": 0}.items():
            user = db.session.scalars(select(User).where(User.username == username)).one()
            counts = inbox.tab_counts(db.session, inbox.TaskFilters(), Actor(user=user))
            assert counts["mine"] + counts["groups"] == waiting, username
        definitions = db.session.scalars(select(ProcessDefinition)).all()
        assert sorted((d.key, d.version) for d in definitions) == [
            ("contract_approval", 1),
            ("contract_lifecycle", 1),
            ("purchase_fulfilment", 1),
            ("sales_activation", 1),
        ]
        db.engine.dispose()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "mode": "embedded", "database": "sqlite"}
