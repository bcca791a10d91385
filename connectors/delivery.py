"""Outbox delivery handlers for the connector channels, and incidents for dead letters."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from connectors import catalog, settings, transport
from connectors.environment import ConnectorEnvironment
from connectors.models import Incident, IncidentStatus
from engine import clock
from engine.models import OutboxMessage


def deliver(message: OutboxMessage, env: ConnectorEnvironment) -> dict[str, Any]:
    """Send one connector message with its idempotency key; return the other system's answer."""
    session = object_session(message)
    assert session is not None
    config = settings.get_config(session, message.channel)
    if not config.enabled:
        raise transport.RemoteUnavailableError(f"the connector '{message.channel}' is disabled")
    payload = message.payload
    return transport.request(
        settings.endpoint(config, env.box),
        str(payload.get("method", "POST")),
        str(payload.get("path") or payload.get("url") or "/"),
        body=payload.get("body"),
        headers={str(k): str(v) for k, v in (payload.get("headers") or {}).items()},
        idempotency_key=message.idempotency_key,
    )


def open_incident(session: Session, message: OutboxMessage) -> None:
    """Raise an incident on the instance whose message went dead (unless one is open)."""
    if message.instance_id is None:
        return
    existing = session.scalars(
        select(Incident).where(
            Incident.outbox_message_id == message.id, Incident.status == IncidentStatus.OPEN
        )
    ).first()
    if existing is not None:
        existing.error = message.last_error or ""
        return
    session.add(
        Incident(
            instance_id=message.instance_id,
            outbox_message_id=message.id,
            error=message.last_error or "",
        )
    )


def resolve_incidents(session: Session, message: OutboxMessage) -> None:
    """A message got through after all: its open incidents are resolved."""
    for incident in session.scalars(
        select(Incident).where(
            Incident.outbox_message_id == message.id, Incident.status == IncidentStatus.OPEN
        )
    ):
        incident.status = IncidentStatus.RESOLVED
        incident.resolved_at = clock.now()
        incident.resolved_by = incident.resolved_by or "delivery"


def install(env: ConnectorEnvironment) -> None:
    """Register a handler for every connector channel and the incident listeners."""
    handler = partial(deliver, env=env)
    for name in catalog.CONNECTORS:
        env.engine.handlers.register(name, handler)
    env.engine.delivery_listeners.dead.append(open_incident)
    env.engine.delivery_listeners.delivered.append(resolve_incidents)
