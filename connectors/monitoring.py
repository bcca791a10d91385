"""What admins watch and do: the outbox, incidents and inbound deliveries; replay and retry.

Replaying and retrying are for admins and integrators only; both are audited here, so the
admin pages and the JSON API record them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from connectors.models import InboundEvent, InboundStatus, Incident, IncidentStatus
from contracts import audit
from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from engine import clock, outbox
from engine.errors import ConflictError, NotFoundError
from engine.models import OutboxMessage, OutboxStatus

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def paginate(session: Session, query: Select[Any], page: int, per_page: int) -> Page[Any]:
    """One page of a query's rows, with the total count."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, int(total or 0), page, per_page)


def outbox_page(
    session: Session, *, status: str | None, page: int = 1, per_page: int = 50
) -> Page[OutboxMessage]:
    """Outbox messages, newest first, optionally of one status (pending, failed, dead, …)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    return paginate(session, query, page, per_page)


def incidents_page(
    session: Session, *, status: str | None, page: int = 1, per_page: int = 50
) -> Page[Incident]:
    query = select(Incident).order_by(Incident.id.desc())
    if status:
        query = query.where(Incident.status == IncidentStatus(status))
    return paginate(session, query, page, per_page)


def inbound_page(
    session: Session,
    *,
    status: str | None,
    connector: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[InboundEvent]:
    """Every stored webhook delivery, newest first."""
    query = select(InboundEvent).order_by(InboundEvent.id.desc())
    if status:
        query = query.where(InboundEvent.status == InboundStatus(status))
    if connector:
        query = query.where(InboundEvent.connector == connector)
    return paginate(session, query, page, per_page)


def outbox_messages(session: Session, ids: list[int]) -> dict[int, OutboxMessage]:
    """The outbox messages with these ids, by id (for the incidents that point at them)."""
    if not ids:
        return {}
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return {row.id: row for row in rows}


def require_integration_admin(actor: Actor) -> None:
    """Raise PermissionDeniedError unless the actor is an admin or an integrator."""
    if not actor.user.has_role("admin", "integrator"):
        raise PermissionDeniedError("only admins and integrators see the integration queues")


def replay_message(session: Session, message_id: int, actor: Actor) -> OutboxMessage:
    """Queue a dead or failed message again, due now (its idempotency key stays the same)."""
    require_integration_admin(actor)
    message = outbox.replay(session, message_id)
    _audit(session, actor, "outbox.replay", "outbox_message", message.id)
    return message


def retry_incident(session: Session, incident_id: int, actor: Actor) -> Incident:
    """Queue the incident's message again; the incident resolves when it gets through."""
    require_integration_admin(actor)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError(f"incident {incident_id} does not exist")
    if incident.status != IncidentStatus.OPEN:
        raise ConflictError(f"incident {incident_id} is already resolved")
    outbox.replay(session, incident.outbox_message_id)
    incident.resolved_by = actor.username  # kept as "who retried" until delivery resolves it
    session.flush()
    _audit(session, actor, "incident.retry", "incident", incident.id)
    return incident


def _audit(session: Session, actor: Actor, action: str, object_type: str, object_id: int) -> None:
    audit.record_as(session, action, actor, object_type=object_type, object_id=object_id)


def inbound_status(event: InboundEvent) -> str:
    """The status an admin sees: a pending event past its TTL shows as expired."""
    if (
        event.status == InboundStatus.PENDING
        and event.expires_at is not None
        and event.expires_at <= clock.now()
    ):
        return InboundStatus.EXPIRED.value
    return str(event.status)
