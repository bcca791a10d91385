"""API shapes of inbound webhooks and the integration admin endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from connectors.models import InboundStatus, IncidentStatus
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
