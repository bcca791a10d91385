"""Inbound webhooks (POST /api/v1/webhooks/<connector>) and the integration admin endpoints."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_login import login_required

from connectors import monitoring, webhooks
from connectors.errors import WebhookRejectedError, WebhookSignatureError
from connectors.models import InboundEvent, InboundStatus, Incident, IncidentStatus
from engine.models import OutboxMessage, OutboxStatus
from webui.api import bp
from webui.api.params import QueryReader
from webui.api.schemas import COMPONENTS
from webui.api.spec import operation, query
from webui.auth import client_ip, current_actor
from webui.errors import error_response
from webui.extensions import db

_STR = {"type": "string"}
_NULL_STR = {"type": ["string", "null"]}
_NULL_INT = {"type": ["integer", "null"]}
_TS = {"type": "string", "format": "date-time"}
_NULL_TS = {"type": ["string", "null"], "format": "date-time"}


def _page_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


COMPONENTS.update(
    {
        "WebhookEvent": {
            "type": "object",
            "required": ["type", "contract_number", "data"],
            "properties": {
                "type": {
                    **_STR,
                    "description": "purchase_order.created (erp), payment.received (finance), "
                    "account.updated (crm)",
                },
                "contract_number": _STR,
                "data": {"type": "object"},
            },
        },
        "WebhookAnswer": {
            "type": "object",
            "required": ["delivery_id", "status", "process_instance_id"],
            "properties": {
                "delivery_id": _STR,
                "status": {"enum": ["delivered", "pending"]},
                "process_instance_id": _NULL_INT,
            },
        },
        "OutboxMessage": {
            "type": "object",
            "required": ["id", "channel", "status", "attempts", "idempotency_key"],
            "properties": {
                "id": {"type": "integer"},
                "process_instance_id": _NULL_INT,
                "channel": _STR,
                "operation": _NULL_STR,
                "status": {"enum": [s.value for s in OutboxStatus]},
                "attempts": {"type": "integer"},
                "idempotency_key": _STR,
                "next_attempt_at": _TS,
                "last_error": _NULL_STR,
                "created_at": _TS,
                "delivered_at": _NULL_TS,
            },
        },
        "OutboxPage": _page_of("OutboxMessage"),
        "Incident": {
            "type": "object",
            "required": ["id", "outbox_message_id", "status", "error"],
            "properties": {
                "id": {"type": "integer"},
                "process_instance_id": _NULL_INT,
                "outbox_message_id": {"type": "integer"},
                "status": {"enum": [s.value for s in IncidentStatus]},
                "error": _STR,
                "created_at": _TS,
                "resolved_at": _NULL_TS,
                "resolved_by": _NULL_STR,
            },
        },
        "IncidentPage": _page_of("Incident"),
        "InboundEvent": {
            "type": "object",
            "required": ["id", "connector", "delivery_id", "status"],
            "properties": {
                "id": {"type": "integer"},
                "connector": _STR,
                "delivery_id": _STR,
                "event_type": _NULL_STR,
                "contract_number": _NULL_STR,
                "status": {"enum": [s.value for s in InboundStatus]},
                "received_at": _TS,
                "expires_at": _NULL_TS,
                "delivered_at": _NULL_TS,
                "process_instance_id": _NULL_INT,
                "response_status": {"type": "integer"},
            },
        },
        "InboundEventPage": _page_of("InboundEvent"),
    }
)

_WEBHOOK_HEADERS = [
    {
        "name": name,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }
    for name, description in (
        ("X-CF-Timestamp", "Unix seconds when sent; at most five minutes old"),
        ("X-CF-Signature", 'sha256=<hex HMAC-SHA256 of timestamp + "." + body>'),
        ("X-CF-Delivery", "the sender's unique id of this delivery (idempotency)"),
    )
]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@operation(
    bp,
    "/webhooks/<connector>",
    "POST",
    summary="Receive a signed event from ERP, finance or CRM",
    tags=["webhooks"],
    body="WebhookEvent",
    params=_WEBHOOK_HEADERS,
    responses={
        200: "WebhookAnswer",
        202: "WebhookAnswer",
        400: None,
        401: None,
        404: None,
        409: None,
        413: None,
        422: None,
    },
    auth=False,
)
def receive_webhook(connector: str) -> Response | tuple[dict[str, Any], int]:
    body = request.get_data()
    try:
        delivery_id = webhooks.verify(db.session, connector, request.headers, body, ip=client_ip())
    except WebhookSignatureError as exc:
        db.session.commit()  # keeps the security audit entry that verify() wrote
        return error_response(exc.status, exc.code, exc.message)
    except WebhookRejectedError as exc:
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.details)
    answer = webhooks.receive_once(db.session, connector, delivery_id, body)
    db.session.commit()
    return answer.body, answer.status


def _require_integration_admin() -> None:
    monitoring.require_integration_admin(current_actor())


def _page_params(params: QueryReader) -> tuple[int, int]:
    return params.integer("page", 1, 1, 100000), params.integer("per_page", 50, 1, 200)


_PAGING = [
    query("page", {"type": "integer", "minimum": 1}),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}),
]


def _outbox_json(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "process_instance_id": message.instance_id,
        "channel": message.channel,
        "operation": message.payload.get("operation"),
        "status": str(message.status),
        "attempts": message.attempts,
        "idempotency_key": message.idempotency_key,
        "next_attempt_at": _iso(message.next_attempt_at),
        "last_error": message.last_error,
        "created_at": _iso(message.created_at),
        "delivered_at": _iso(message.delivered_at),
    }


def _incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "process_instance_id": incident.instance_id,
        "outbox_message_id": incident.outbox_message_id,
        "status": str(incident.status),
        "error": incident.error,
        "created_at": _iso(incident.created_at),
        "resolved_at": _iso(incident.resolved_at),
        "resolved_by": incident.resolved_by,
    }


def _inbound_json(event: InboundEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "connector": event.connector,
        "delivery_id": event.delivery_id,
        "event_type": event.event_type,
        "contract_number": event.business_key,
        "status": monitoring.inbound_status(event),
        "received_at": _iso(event.received_at),
        "expires_at": _iso(event.expires_at),
        "delivered_at": _iso(event.delivered_at),
        "process_instance_id": event.instance_id,
        "response_status": event.response_status,
    }


def _page_json(page: monitoring.Page[Any], render: Any) -> dict[str, Any]:
    return {
        "items": [render(item) for item in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


@operation(
    bp,
    "/integration/outbox",
    "GET",
    summary="Outbox messages to other systems, newest first",
    tags=["integration"],
    params=[query("status", {"enum": [s.value for s in OutboxStatus]}), *_PAGING],
    responses={200: "OutboxPage", 401: None, 422: None},
)
@login_required
def list_outbox() -> dict[str, Any]:
    _require_integration_admin()
    params = QueryReader()
    status = params.choice("status", tuple(s.value for s in OutboxStatus))
    page, per_page = _page_params(params)
    params.done()
    found = monitoring.outbox_page(db.session, status=status, page=page, per_page=per_page)
    return _page_json(found, _outbox_json)


@operation(
    bp,
    "/integration/outbox/<int:message_id>/replay",
    "POST",
    summary="Queue a dead or failed outbox message again (same idempotency key)",
    tags=["integration"],
    responses={200: "OutboxMessage", 401: None, 404: None, 409: None},
)
@login_required
def replay_outbox(message_id: int) -> dict[str, Any]:
    message = monitoring.replay_message(db.session, message_id, current_actor())
    db.session.commit()
    return _outbox_json(message)


@operation(
    bp,
    "/integration/incidents",
    "GET",
    summary="Incidents: deliveries that failed for good and wait for an admin",
    tags=["integration"],
    params=[query("status", {"enum": [s.value for s in IncidentStatus]}), *_PAGING],
    responses={200: "IncidentPage", 401: None, 422: None},
)
@login_required
def list_incidents() -> dict[str, Any]:
    _require_integration_admin()
    params = QueryReader()
    status = params.choice("status", tuple(s.value for s in IncidentStatus))
    page, per_page = _page_params(params)
    params.done()
    found = monitoring.incidents_page(db.session, status=status, page=page, per_page=per_page)
    return _page_json(found, _incident_json)


@operation(
    bp,
    "/integration/incidents/<int:incident_id>/retry",
    "POST",
    summary="Retry the failed delivery of an incident; it resolves when delivery succeeds",
    tags=["integration"],
    responses={200: "Incident", 401: None, 404: None, 409: None},
)
@login_required
def retry_incident(incident_id: int) -> dict[str, Any]:
    incident = monitoring.retry_incident(db.session, incident_id, current_actor())
    db.session.commit()
    return _incident_json(incident)


@operation(
    bp,
    "/integration/inbound-events",
    "GET",
    summary="Every stored webhook delivery, newest first",
    tags=["integration"],
    params=[
        query("status", {"enum": [s.value for s in InboundStatus]}),
        query("connector", {"type": "string"}),
        *_PAGING,
    ],
    responses={200: "InboundEventPage", 401: None, 422: None},
)
@login_required
def list_inbound_events() -> dict[str, Any]:
    _require_integration_admin()
    params = QueryReader()
    status = params.choice("status", tuple(s.value for s in InboundStatus))
    connector = params.text("connector")
    page, per_page = _page_params(params)
    params.done()
    found = monitoring.inbound_page(
        db.session, status=status, connector=connector, page=page, per_page=per_page
    )
    return _page_json(found, _inbound_json)
