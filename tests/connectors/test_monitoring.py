"""Replaying and retrying deliveries: only admins and integrators, audited by the service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from connectors import monitoring, settings
from contracts.audit.models import AuditEntry
from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from contracts.identity.models import User
from engine.models import OutboxMessage, OutboxStatus
from webui.extensions import db


def actor(username: str) -> Actor:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    return Actor(user, ip="198.51.100.7")


def dead_message() -> int:
    message = OutboxMessage(
        channel="erp", payload={"operation": "x"}, idempotency_key="k-1", status=OutboxStatus.DEAD
    )
    db.session.add(message)
    db.session.flush()
    return message.id


def audited(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("username", ["alice", "bob", "dave"])
def test_people_outside_integration_may_not_replay(app, username):
    with app.app_context():
        message_id = dead_message()
        with pytest.raises(PermissionDeniedError):
            monitoring.replay_message(db.session, message_id, actor(username))
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.DEAD
        assert audited("outbox.replay") == []


@pytest.mark.parametrize("username", ["admin", "integrator"])
def test_a_replay_queues_the_message_and_is_audited_once(app, username):
    with app.app_context():
        message_id = dead_message()
        message = monitoring.replay_message(db.session, message_id, actor(username))
        assert message.status == OutboxStatus.PENDING
        [entry] = audited("outbox.replay")
        assert (entry.actor, entry.object_type, entry.object_id, entry.ip) == (
            username,
            "outbox_message",
            str(message_id),
            "198.51.100.7",
        )


def test_only_admins_configure_connectors_and_it_is_audited(app):
    with app.app_context():
        box = app.extensions["cf_secret_box"]
        with pytest.raises(PermissionDeniedError):
            settings.configure_connector(db.session, "erp", {}, box, actor("integrator"))
        assert audited("connector.configure") == []
        settings.configure_connector(
            db.session, "erp", {"base_url": "https://erp.example"}, box, actor("admin")
        )
        [entry] = audited("connector.configure")
        assert (entry.actor, entry.object_type, entry.object_id) == ("admin", "connector", "erp")
