"""Deliver outbox messages to other systems: retries, backoff with jitter, dead letters.

Operators write `OutboxMessage` rows inside a workflow step; this module hands
each due row to the delivery handler registered for its channel. A handler
returns normally on success, raises `PermanentDeliveryError` when retrying is
pointless (a 4xx, an invalid address), or raises anything else for a
transient failure. Delivery is at least once: each message carries a stable
`idempotency_key` that handlers pass on so the receiver can drop repeats.

A message whose payload names a `reply_message` belongs to an asynchronous
service task (`OperatorContext.enqueue(..., reply_message=...)`): when the
handler succeeds, the handler's result is delivered to the waiting instance as
that message, in the same transaction that marks the row delivered. Listeners
hear about dead letters and deliveries (the connectors raise and resolve
incidents with them).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import ConcurrentUpdateError, ConflictError, NotFoundError
from engine.models import OutboxMessage, OutboxStatus
from engine.operators import REPLY_KEY

if TYPE_CHECKING:
    from engine.environment import EngineEnvironment

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)


@dataclass
class RetryPolicy:
    """How often and how fast failed deliveries are retried (the app may tune it)."""

    max_attempts: int = MAX_ATTEMPTS
    base_delay: timedelta = BASE_DELAY
    max_delay: timedelta = MAX_DELAY


class PermanentDeliveryError(Exception):
    """Retrying will not help: the message goes to the dead letters at once."""


Handler = Callable[[OutboxMessage], Any]


class DeliveryRegistry:
    """Delivery handlers by channel (`email`, `sms`, `http`, `erp`, …)."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, channel: str, handler: Handler) -> None:
        self._handlers[channel] = handler

    def get(self, channel: str) -> Handler | None:
        return self._handlers.get(channel)

    def channels(self) -> list[str]:
        return sorted(self._handlers)


Listener = Callable[[Session, OutboxMessage], None]


@dataclass
class DeliveryListeners:
    """Called in the delivery's transaction when a message is delivered or goes dead."""

    delivered: list[Listener] = field(default_factory=list)
    dead: list[Listener] = field(default_factory=list)


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)


def retry_delay(
    attempts: int, *, policy: RetryPolicy | None = None, rng: random.Random | None = None
) -> timedelta:
    """Exponential backoff (30 s, 1 min, 2 min, …, at most 2 h) with +-25 % jitter."""
    policy = policy or RetryPolicy()
    base = min(policy.base_delay * (2 ** max(attempts - 1, 0)), policy.max_delay)
    factor = (rng or random).uniform(0.75, 1.25)  # noqa: S311 - jitter, not security
    return base * factor


def _due(session: Session, limit: int) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.status == OutboxStatus.FAILED,
            ),
            OutboxMessage.next_attempt_at <= clock.now(),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def deliver_due(
    session: Session,
    env: EngineEnvironment,
    *,
    handlers: DeliveryRegistry | None = None,
    batch: int = 50,
) -> DeliveryReport:
    """Try every due message once; commit after each so a crash never re-sends a delivered one.

    `handlers` replaces the environment's delivery handlers (a test's fakes).
    """
    report = DeliveryReport()
    for message in _due(session, batch):
        _deliver(session, message, env, env.handlers if handlers is None else handlers, report)
        session.commit()
    session.commit()
    return report


def _deliver(
    session: Session,
    message: OutboxMessage,
    env: EngineEnvironment,
    handlers: DeliveryRegistry,
    report: DeliveryReport,
) -> None:
    handler = handlers.get(message.channel)
    message.attempts += 1
    now = clock.now()
    try:
        if handler is None:
            raise PermanentDeliveryError(f"no delivery handler for channel '{message.channel}'")
        result = handler(message)
        _complete_waiting_task(session, message, result, env)
    except PermanentDeliveryError as exc:
        message.last_error = str(exc)[:2000]
        _bury(session, message, env, report)
        log.warning("outbox %s (%s) is dead: %s", message.id, message.channel, exc)
    except Exception as exc:  # any transient failure: network, timeout, 5xx
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= env.policy.max_attempts:
            _bury(session, message, env, report)
        else:
            message.status = OutboxStatus.FAILED
            message.next_attempt_at = now + retry_delay(message.attempts, policy=env.policy)
            report.retrying.append(message.id)
    else:
        message.delivered_at = now
        message.last_error = None
        _settle(
            session,
            message,
            OutboxStatus.DELIVERED,
            report.delivered,
            env.delivery_listeners.delivered,
        )


def _bury(
    session: Session, message: OutboxMessage, env: EngineEnvironment, report: DeliveryReport
) -> None:
    _settle(session, message, OutboxStatus.DEAD, report.dead, env.delivery_listeners.dead)


def _settle(
    session: Session,
    message: OutboxMessage,
    status: OutboxStatus,
    ids: list[int],
    listeners: list[Listener],
) -> None:
    """Give the message its final status, note its id in the report and tell the listeners."""
    message.status = status
    ids.append(message.id)
    for listener in listeners:
        listener(session, message)


def _complete_waiting_task(
    session: Session, message: OutboxMessage, result: Any, env: EngineEnvironment
) -> None:
    """Hand the other system's answer to the instance waiting on the reply message."""
    reply = message.payload.get(REPLY_KEY)
    if not reply or message.instance_id is None:
        return
    from engine import runtime  # runtime -> operators; imported late to keep the graph simple

    payload = {"outbox_id": message.id, "response": result}
    try:
        with session.begin_nested():
            delivered = runtime.deliver_message(
                session, message.instance_id, reply, payload, env=env
            )
    except ConcurrentUpdateError:
        raise  # someone else stepped the instance: a retry will find it again
    except (ConflictError, NotFoundError) as exc:
        raise PermanentDeliveryError(f"the reply cannot be delivered: {exc}") from exc
    if not delivered:
        raise PermanentDeliveryError(
            f"process instance {message.instance_id} does not wait for '{reply}'"
        )


def replay(session: Session, message_id: int) -> OutboxMessage:
    """Put a dead (or failed) message back in the queue for immediate delivery."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFoundError(f"outbox message {message_id} does not exist")
    if message.status == OutboxStatus.DELIVERED:
        raise ConflictError(f"outbox message {message_id} was already delivered")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = clock.now()
    session.flush()
    return message
