"""Outbox delivery: retries with backoff, dead letters, replay, never lost."""

from __future__ import annotations

import random
from datetime import timedelta

import time_machine

from engine import clock, outbox
from engine.models import OutboxMessage, OutboxStatus


def _message(session, channel="erp", key="k-1"):
    message = OutboxMessage(channel=channel, payload={"po": 1}, idempotency_key=key)
    session.add(message)
    session.commit()
    return message


class FlakySystem:
    """Another company's system that is down for the first `failures` calls."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[str] = []

    def __call__(self, message: OutboxMessage) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("connection refused")
        self.received.append(message.idempotency_key)


def test_down_three_times_then_delivered_exactly_once(session, env):
    erp = FlakySystem(failures=3)
    handlers = outbox.DeliveryRegistry()
    handlers.register("erp", erp)
    message = _message(session)
    now = clock.now()
    for attempt in range(1, 5):
        with time_machine.travel(now + timedelta(hours=3 * attempt), tick=False):
            outbox.deliver_due(session, env, handlers=handlers)
            outbox.deliver_due(session, env, handlers=handlers)  # nothing due twice
    session.refresh(message)
    assert message.status == OutboxStatus.DELIVERED
    assert message.attempts == 4
    assert erp.received == ["k-1"]


def test_not_retried_before_its_backoff(session, env):
    handlers = outbox.DeliveryRegistry()
    handlers.register("erp", FlakySystem(failures=10))
    message = _message(session)
    report = outbox.deliver_due(session, env, handlers=handlers)
    assert report.retrying == [message.id]
    session.refresh(message)
    assert message.status == OutboxStatus.FAILED and "connection refused" in message.last_error
    assert timedelta(seconds=20) < message.next_attempt_at - clock.now() < timedelta(seconds=40)
    assert outbox.deliver_due(session, env, handlers=handlers).retrying == []


def test_permanent_failure_is_dead_at_once_and_can_be_replayed(session, env):
    calls = []

    def reject(message):
        calls.append(message.id)
        if len(calls) == 1:
            raise outbox.PermanentDeliveryError("400 Bad Request: unknown supplier")

    handlers = outbox.DeliveryRegistry()
    handlers.register("erp", reject)
    message = _message(session)
    assert outbox.deliver_due(session, env, handlers=handlers).dead == [message.id]
    assert outbox.deliver_due(session, env, handlers=handlers).dead == []
    outbox.replay(session, message.id)
    session.commit()
    assert outbox.deliver_due(session, env, handlers=handlers).delivered == [message.id]
    assert len(calls) == 2


def test_retries_end_in_the_dead_letters(session, env):
    handlers = outbox.DeliveryRegistry()
    handlers.register("erp", FlakySystem(failures=100))
    message = _message(session)
    now = clock.now()
    for attempt in range(outbox.MAX_ATTEMPTS + 2):
        with time_machine.travel(now + timedelta(hours=3 * (attempt + 1)), tick=False):
            outbox.deliver_due(session, env, handlers=handlers)
    session.refresh(message)
    assert message.status == OutboxStatus.DEAD
    assert message.attempts == outbox.MAX_ATTEMPTS


def test_unknown_channel_is_a_dead_letter_not_a_crash(session, env):
    message = _message(session, channel="fax")
    assert outbox.deliver_due(session, env, handlers=outbox.DeliveryRegistry()).dead == [message.id]


def test_backoff_grows_and_has_jitter():
    rng = random.Random(7)
    delays = [outbox.retry_delay(n, rng=rng).total_seconds() for n in range(1, 10)]
    assert 22 <= delays[0] <= 38
    assert all(b > a for a, b in zip(delays[:5], delays[1:6], strict=True))
    assert max(delays) <= 2 * 3600 * 1.25
    assert len({outbox.retry_delay(3).total_seconds() for _ in range(20)}) > 1
