"""The SMS outbox handler against a real HTTP server: idempotency key, retry on 5xx, dead on 4xx."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from connectors import sms
from engine import clock
from engine.models import OutboxMessage, OutboxStatus
from engine.outbox import DeliveryRegistry, deliver_due
from tests.sms_gateway import Gateway, sms_gateway
from webui.config import sms_settings
from webui.wiring import engine_environment


@pytest.fixture
def gateway(monkeypatch) -> Iterator[Gateway]:
    with sms_gateway() as served:
        monkeypatch.setenv("CONTRACTFLOW_SMS_GATEWAY_URL", served.url)
        monkeypatch.setenv("CONTRACTFLOW_SMS_TOKEN", "gateway-secret")
        monkeypatch.setenv("CONTRACTFLOW_SMS_TIMEOUT", "5")
        yield served


@pytest.fixture
def handlers() -> DeliveryRegistry:
    registry = DeliveryRegistry()
    sms.register(registry, settings=sms_settings)
    return registry


def enqueue(session, key: str, to: str = "+8613800000001", text: str = "Reminder") -> int:
    message = OutboxMessage(channel="sms", payload={"to": to, "text": text}, idempotency_key=key)
    session.add(message)
    session.commit()
    return message.id


def test_a_text_message_reaches_the_gateway_with_its_idempotency_key(session, gateway, handlers):
    message_id = enqueue(session, "sms:expiry:1")
    report = deliver_due(session, engine_environment(), handlers=handlers)
    assert report.delivered == [message_id]
    (received,) = gateway.received
    assert received.path == "/send"
    assert received.body == {
        "to": "+8613800000001",
        "text": "Reminder",
        "idempotency_key": "sms:expiry:1",
    }
    assert received.headers["Idempotency-Key"] == "sms:expiry:1"
    assert received.headers["Authorization"] == "Bearer gateway-secret"
    assert session.get(OutboxMessage, message_id).status == OutboxStatus.DELIVERED


def test_a_gateway_500_is_retried_with_the_same_key(session, gateway, handlers):
    gateway.answers = [500]
    message_id = enqueue(session, "sms:expiry:2")
    report = deliver_due(session, engine_environment(), handlers=handlers)
    assert report.retrying == [message_id] and not report.delivered
    message = session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.FAILED and "500" in message.last_error
    retry_at = message.next_attempt_at
    assert retry_at > clock.now()
    assert (
        deliver_due(session, engine_environment(), handlers=handlers).delivered == []
    )  # not before its time

    with time_machine.travel(retry_at + timedelta(seconds=1), tick=False):
        assert deliver_due(session, engine_environment(), handlers=handlers).delivered == [
            message_id
        ]
    assert [r.body["idempotency_key"] for r in gateway.received] == ["sms:expiry:2"] * 2
    message = session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.DELIVERED and message.attempts == 2


def test_a_gateway_400_goes_to_the_dead_letters(session, gateway, handlers):
    gateway.answers = [400]
    message_id = enqueue(session, "sms:expiry:3")
    assert deliver_due(session, engine_environment(), handlers=handlers).dead == [message_id]
    message = session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.DEAD and "400" in message.last_error
    assert deliver_due(session, engine_environment(), handlers=handlers).delivered == []
    assert len(gateway.received) == 1  # never tried again


def test_an_unreachable_gateway_is_retried_and_a_message_without_number_is_dead(
    session, handlers, monkeypatch
):
    monkeypatch.setenv("CONTRACTFLOW_SMS_GATEWAY_URL", "http://127.0.0.1:9/send")
    monkeypatch.setenv("CONTRACTFLOW_SMS_TIMEOUT", "2")
    reachable_later = enqueue(session, "sms:a")
    no_number = enqueue(session, "sms:b", to=" ")
    report = deliver_due(session, engine_environment(), handlers=handlers)
    assert report.retrying == [reachable_later] and report.dead == [no_number]
    statuses = dict(session.execute(select(OutboxMessage.id, OutboxMessage.status)).all())
    assert statuses == {reachable_later: OutboxStatus.FAILED, no_number: OutboxStatus.DEAD}
