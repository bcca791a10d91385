"""Inbound webhooks: verify, store once per delivery, validate, correlate to a waiting instance.

A delivery is `POST /api/v1/webhooks/<connector>` with the headers
X-CF-Timestamp (Unix seconds), X-CF-Signature (`sha256=` + HMAC-SHA256 of
`timestamp + "." + body` under the connector's webhook secret) and
X-CF-Delivery (the sender's unique id). The body is
`{"type": "<event type>", "contract_number": "...", "data": {...}}`.

The event becomes the BPMN message named like its type for the running
instance whose business key is the contract number. When no instance waits
yet, the event is kept (`pending`) and handed over as soon as one does
(`deliver_pending`, a step hook), until its TTL ends.

`receive_once` answers each delivery once: a repeat, even one arriving at the same
moment on another worker, gets the first answer and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import jsonschema
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors import catalog, settings, signing
from connectors.environment import ConnectorEnvironment
from connectors.errors import (
    UnknownConnectorError,
    WebhookMalformedError,
    WebhookRejectedError,
    WebhookSchemaError,
    WebhookSignatureError,
    WebhookStaleError,
)
from connectors.models import InboundEvent, InboundStatus
from contracts import audit
from engine import clock, runtime
from engine.models import InstanceStatus, ProcessInstance

ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "contract_number", "data"],
    "properties": {
        "type": {"type": "string", "minLength": 1},
        "contract_number": {"type": "string", "minLength": 1, "maxLength": 120},
        "data": {"type": "object"},
    },
}


class HeaderSource(Protocol):
    """Request headers: a dict, or Werkzeug's case-insensitive `Headers`."""

    def get(self, key: str, default: str) -> str: ...


@dataclass
class WebhookAnswer:
    """What the sender gets: the status and body (stored, so a repeat gets the same)."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def verify(
    session: Session,
    connector: str,
    headers: HeaderSource,
    body: bytes,
    env: ConnectorEnvironment,
    *,
    ip: str | None = None,
) -> str:
    """Check connector, signature and timestamp; return the delivery id.

    A missing or wrong signature is a security event: it is audited before the
    WebhookSignatureError is raised, so the caller commits even though it refuses.
    """
    if not settings.known(connector):
        raise UnknownConnectorError(f"there is no connector '{connector}'")
    secret = settings.webhook_secret(settings.get_config(session, connector), env.box)
    if not secret:
        raise UnknownConnectorError(f"the connector '{connector}' takes no webhooks (no secret)")
    timestamp = headers.get(signing.TIMESTAMP_HEADER, "")
    given = headers.get(signing.SIGNATURE_HEADER, "")
    if not timestamp or not given or not signing.verify(secret, timestamp, body, given):
        _audit_bad_signature(session, connector, headers, ip)
        raise WebhookSignatureError("the webhook signature is missing or wrong")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookStaleError("X-CF-Timestamp must be Unix seconds") from None
    if abs(clock.now().timestamp() - sent_at) > env.replay_window.total_seconds():
        raise WebhookStaleError("the webhook timestamp is outside the five-minute window")
    delivery_id = headers.get(signing.DELIVERY_HEADER, "").strip()
    if not delivery_id or len(delivery_id) > 120:
        raise WebhookMalformedError("X-CF-Delivery must name the delivery (1-120 characters)")
    return delivery_id


def _audit_bad_signature(
    session: Session, connector: str, headers: HeaderSource, ip: str | None
) -> None:
    audit.record(
        session,
        "webhook.bad_signature",
        actor=None,
        object_type="connector",
        object_id=connector,
        ip=ip,
        details={"delivery": headers.get(signing.DELIVERY_HEADER, "")[:120]},
    )


def receive_once(
    session: Session, connector: str, delivery_id: str, body: bytes, env: ConnectorEnvironment
) -> WebhookAnswer:
    """Receive a verified delivery the first time it comes; answer a repeat as the first time.

    The delivery is claimed first, by inserting its row (unique per connector and
    delivery id) in a savepoint before anything else is written. When the same
    delivery arrives in parallel, the loser's insert waits for the winner's
    transaction and then breaks the unique constraint: its savepoint is rolled
    back and it answers with what the winner stored.
    """
    answer = previous_answer(session, connector, delivery_id)
    if answer is not None:
        return answer
    event = _claim(session, connector, delivery_id)
    if event is None:  # the same delivery, at the same moment, on another worker
        answer = previous_answer(session, connector, delivery_id)
        if answer is None:
            raise RuntimeError(f"delivery {delivery_id} was claimed but is not stored")
        return answer
    return _receive(session, event, body, env)


def _claim(session: Session, connector: str, delivery_id: str) -> InboundEvent | None:
    """Insert the delivery's row, not yet handed to anyone; None when another has it."""
    event = InboundEvent(
        connector=connector,
        delivery_id=delivery_id,
        received_at=clock.now(),
        status=InboundStatus.PENDING,  # no expiry yet: deliver_pending cannot pick it
        response_body={},
    )
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:
        return None
    return event


def previous_answer(session: Session, connector: str, delivery_id: str) -> WebhookAnswer | None:
    """The answer given the first time this delivery came, if it came before."""
    row = _stored(session, connector, delivery_id)
    if row is None:
        return None
    return WebhookAnswer(row.response_status, dict(row.response_body), replayed=True)


def _receive(
    session: Session, event: InboundEvent, body: bytes, env: ConnectorEnvironment
) -> WebhookAnswer:
    """Validate a claimed delivery and correlate it; return the answer (stored with it)."""
    try:
        payload = _parse(event.connector, body, env)
    except WebhookRejectedError as exc:
        event.status = InboundStatus.REJECTED
        return _answer(session, event, exc.status, _error_body(exc))
    event.payload = payload
    event.event_type = payload["type"]
    event.business_key = payload["contract_number"]
    instance = _correlate(session, payload, event.delivery_id, env)
    if instance is not None:
        event.status = InboundStatus.DELIVERED
        event.instance_id = instance.id
        event.delivered_at = clock.now()
        return _answer(session, event, 200, _ok_body(event, "delivered"))
    event.status = InboundStatus.PENDING
    event.expires_at = event.received_at + env.inbound_ttl
    return _answer(session, event, 202, _ok_body(event, "pending"))


def deliver_pending(
    session: Session, instance: ProcessInstance, waiting: set[str], *, env: ConnectorEnvironment
) -> None:
    """Step hook: hand the oldest early event this instance now waits for to it."""
    if not instance.business_key:
        return
    row = session.scalars(
        select(InboundEvent)
        .where(
            InboundEvent.status == InboundStatus.PENDING,
            InboundEvent.business_key == instance.business_key,
            InboundEvent.event_type.in_(sorted(waiting)),
            InboundEvent.expires_at > clock.now(),
        )
        .order_by(InboundEvent.received_at, InboundEvent.id)
        .limit(1)
    ).first()
    if row is None or row.event_type is None:
        return
    row.status = InboundStatus.DELIVERED
    row.instance_id = instance.id
    row.delivered_at = clock.now()
    session.flush()  # marked first: the nested step's own hook must not pick it again
    runtime.deliver_message(
        session,
        instance.id,
        row.event_type,
        _message(row.payload or {}, row.delivery_id),
        env=env.engine,
    )


def _parse(connector: str, body: bytes, env: ConnectorEnvironment) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookMalformedError("the body is not valid JSON") from None
    _validate(ENVELOPE_SCHEMA, payload)
    spec = catalog.EVENTS.get((connector, payload["type"]))
    if spec is None:
        known = [e.event_type for e in catalog.events_of(connector)]
        raise WebhookSchemaError(
            f"'{connector}' sends no event '{payload['type']}'", details={"type": known}
        )
    _validate(_schema(env.events_dir / spec.schema_file), payload)
    return dict(payload)


def _validate(schema: dict[str, Any], payload: Any) -> None:
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(payload), key=lambda e: list(e.path)
    )
    if errors:
        details: dict[str, list[str]] = {}
        for error in errors:
            field = ".".join(str(p) for p in error.absolute_path) or "body"
            details.setdefault(field, []).append(error.message)
        raise WebhookSchemaError("the payload does not match the event's schema", details=details)


@lru_cache(maxsize=32)
def _schema(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _correlate(
    session: Session, payload: dict[str, Any], delivery_id: str, env: ConnectorEnvironment
) -> ProcessInstance | None:
    candidates = list(
        session.scalars(
            select(ProcessInstance)
            .where(
                ProcessInstance.business_key == payload["contract_number"],
                ProcessInstance.status == InstanceStatus.RUNNING,
            )
            .order_by(ProcessInstance.id)
        )
    )
    message = _message(payload, delivery_id)
    for instance in candidates:
        if runtime.deliver_message(session, instance.id, payload["type"], message, env=env.engine):
            return instance
    return None


def _message(payload: dict[str, Any], delivery_id: str) -> dict[str, Any]:
    return {**payload, "delivery_id": delivery_id}


def _stored(session: Session, connector: str, delivery_id: str) -> InboundEvent | None:
    return session.scalars(
        select(InboundEvent).where(
            InboundEvent.connector == connector, InboundEvent.delivery_id == delivery_id
        )
    ).first()


def _answer(
    session: Session, event: InboundEvent, status: int, body: dict[str, Any]
) -> WebhookAnswer:
    event.response_status = status
    event.response_body = body
    session.add(event)
    session.flush()
    return WebhookAnswer(status, body)


def _ok_body(event: InboundEvent, status: str) -> dict[str, Any]:
    return {
        "delivery_id": event.delivery_id,
        "status": status,
        "process_instance_id": event.instance_id,
    }


def _error_body(exc: WebhookRejectedError) -> dict[str, Any]:
    return {"error": {"code": exc.code, "message": exc.message, "details": exc.details}}
