"""API shapes of inbound webhooks and the integration admin endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from connectors import monitoring
from connectors.models import InboundEvent as InboundRow
from connectors.models import InboundStatus, IncidentStatus
from connectors.models import Incident as IncidentRow
from contracts.core.facts import iso
from engine.models import OutboxMessage as OutboxRow
from engine.models import OutboxStatus
from webui.api.shapes import Omitted, Shape, Timestamp


class WebhookEvent(Shape):
    type: str = Field(
        description="purchase_order.created (erp), payment.received (finance), "
        "account.updated (crm)"
    )
    contract_number: str
    data: dict[str, Any]


class WebhookAnswer(Shape):
    delivery_id: str
    status: Literal["delivered", "pending"]
    process_instance_id: int | None


class OutboxMessage(Shape):
    id: int
    process_instance_id: int | None = None
    channel: str
    operation: str | None = None
    status: OutboxStatus
    attempts: int
    idempotency_key: str
    next_attempt_at: Timestamp | Omitted = None
    last_error: str | None = None
    created_at: Timestamp | Omitted = None
    delivered_at: Timestamp | None = None


class OutboxPage(Shape):
    items: list[OutboxMessage]
    total: int
    page: int
    per_page: int


class Incident(Shape):
    id: int
    process_instance_id: int | None = None
    outbox_message_id: int
    status: IncidentStatus
    error: str
    created_at: Timestamp | Omitted = None
    resolved_at: Timestamp | None = None
    resolved_by: str | None = None


class IncidentPage(Shape):
    items: list[Incident]
    total: int
    page: int
    per_page: int


class InboundEvent(Shape):
    id: int
    connector: str
    delivery_id: str
    event_type: str | None = None
    contract_number: str | None = None
    status: InboundStatus
    received_at: Timestamp | Omitted = None
    expires_at: Timestamp | None = None
    delivered_at: Timestamp | None = None
    process_instance_id: int | None = None
    response_status: int | Omitted = None


class InboundEventPage(Shape):
    items: list[InboundEvent]
    total: int
    page: int
    per_page: int


def outbox_json(message: OutboxRow) -> dict[str, Any]:
    """Serialize an outbox message for the integration admin."""
    return OutboxMessage.render(
        {
            "id": message.id,
            "process_instance_id": message.instance_id,
            "channel": message.channel,
            "operation": message.payload.get("operation"),
            "status": str(message.status),
            "attempts": message.attempts,
            "idempotency_key": message.idempotency_key,
            "next_attempt_at": iso(message.next_attempt_at),
            "last_error": message.last_error,
            "created_at": iso(message.created_at),
            "delivered_at": iso(message.delivered_at),
        }
    )


def incident_json(incident: IncidentRow) -> dict[str, Any]:
    """Serialize an incident for the integration admin."""
    return Incident.render(
        {
            "id": incident.id,
            "process_instance_id": incident.instance_id,
            "outbox_message_id": incident.outbox_message_id,
            "status": str(incident.status),
            "error": incident.error,
            "created_at": iso(incident.created_at),
            "resolved_at": iso(incident.resolved_at),
            "resolved_by": incident.resolved_by,
        }
    )


def inbound_json(event: InboundRow) -> dict[str, Any]:
    """Serialize a received webhook delivery for the integration admin."""
    return InboundEvent.render(
        {
            "id": event.id,
            "connector": event.connector,
            "delivery_id": event.delivery_id,
            "event_type": event.event_type,
            "contract_number": event.business_key,
            "status": monitoring.inbound_status(event),
            "received_at": iso(event.received_at),
            "expires_at": iso(event.expires_at),
            "delivered_at": iso(event.delivered_at),
            "process_instance_id": event.instance_id,
            "response_status": event.response_status,
        }
    )


def page_json(
    page: monitoring.Page[Any], render: Callable[[Any], dict[str, Any]], shape: type[Shape]
) -> dict[str, Any]:
    """Serialize one page of a monitoring list as `shape`, each item with `render`."""
    return shape.render(
        {
            "items": [render(item) for item in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )
