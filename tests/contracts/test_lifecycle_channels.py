"""Expiry reminders leave by SMS through the outbox to an HTTP gateway, each exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from connectors import sms
from contracts.identity.models import User
from engine.models import OutboxMessage, OutboxStatus
from engine.outbox import DeliveryRegistry, deliver_due

# `active` is test_lifecycle's fixture (an activated contract), used here as well.
from tests.contracts.test_lifecycle import NOTICE_DAYS, active, at, fire  # noqa: F401
from tests.sms_gateway import Gateway, sms_gateway
from webui.config import sms_settings
from webui.extensions import db
from webui.wiring import engine_environment


@pytest.fixture
def gateway(monkeypatch) -> Iterator[Gateway]:
    with sms_gateway() as served:
        monkeypatch.setenv("CONTRACTFLOW_SMS_GATEWAY_URL", served.url)
        yield served


def deliver_sms(app) -> list[int]:
    """Deliver what is due; return the ids of the text messages delivered."""
    handlers = DeliveryRegistry()
    sms.register(handlers, settings=sms_settings)
    handlers.register("email", lambda message: None)  # mail is not under test here
    with app.app_context():
        delivered = deliver_due(db.session, engine_environment(), handlers=handlers).delivered
        return list(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(delivered), OutboxMessage.channel == "sms"
                )
            )
        )


def phones(app, *usernames: str) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.phone).where(User.username.in_(usernames))))


def test_the_notice_reminder_reaches_owner_and_manager_by_sms_once(
    app,
    active,  # noqa: F811
    gateway,
):
    contract = active()
    notice = contract["expiry"] - timedelta(days=NOTICE_DAYS)
    with at(notice):
        assert fire(app) >= 1
        deliver_sms(app)
        assert fire(app) == 0
        deliver_sms(app)

    assert len(gateway.received) == 2
    assert {r.body["to"] for r in gateway.received} == phones(app, "alice", "bob")
    keys = [r.body["idempotency_key"] for r in gateway.received]
    assert len(set(keys)) == 2 and all(keys)
    assert all(r.headers["Idempotency-Key"] == r.body["idempotency_key"] for r in gateway.received)
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        assert {(m.idempotency_key, m.status) for m in rows} == {
            (key, OutboxStatus.DELIVERED) for key in keys
        }


def test_a_failing_gateway_delays_the_reminder_but_never_doubles_it(
    app,
    active,  # noqa: F811
    gateway,
):
    contract = active()
    notice = contract["expiry"] - timedelta(days=NOTICE_DAYS)
    gateway.answers = [500, 500]
    with at(notice):
        fire(app)
        assert deliver_sms(app) == []
    with at(notice, hours=12):  # well past the first backoff
        assert len(deliver_sms(app)) == 2
        assert deliver_sms(app) == []
    keys = [r.body["idempotency_key"] for r in gateway.received]
    assert len(keys) == 4 and len(set(keys)) == 2  # each retried once with its own key
