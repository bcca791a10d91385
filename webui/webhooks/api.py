"""Inbound webhooks (POST /api/v1/webhooks/<connector>) and the integration admin endpoints."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_login import login_required

from connectors import monitoring, webhooks
from connectors.errors import WebhookRejectedError, WebhookSignatureError
from connectors.models import InboundStatus, IncidentStatus
from engine.models import OutboxStatus
from webui.api import bp
from webui.api.params import QueryReader
from webui.api.spec import operation, query, refusals
from webui.auth import client_ip, current_actor
from webui.errors import error_response
from webui.extensions import db
from webui.webhooks import shapes
from webui.webhooks.shapes import inbound_json, incident_json, outbox_json, page_json
from webui.wiring import connector_environment

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


@operation(
    bp,
    "/webhooks/<connector>",
    "POST",
    summary="Receive a signed event from ERP, finance or CRM",
    tags=["webhooks"],
    body=shapes.WebhookEvent,
    params=_WEBHOOK_HEADERS,
    responses={
        200: shapes.WebhookAnswer,
        202: shapes.WebhookAnswer,
        **refusals(400, 401, 404, 409, 413, 422),
    },
    auth=False,
)
def receive_webhook(connector: str) -> Response | tuple[dict[str, Any], int]:
    body = request.get_data()
    try:
        delivery_id = webhooks.verify(
            db.session, connector, request.headers, body, connector_environment(), ip=client_ip()
        )
    except WebhookSignatureError as exc:
        db.session.commit()  # keeps the security audit entry that verify() wrote
        return error_response(exc.status, exc.code, exc.message)
    except WebhookRejectedError as exc:
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.details)
    answer = webhooks.receive_once(
        db.session, connector, delivery_id, body, connector_environment()
    )
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


@operation(
    bp,
    "/integration/outbox",
    "GET",
    summary="Outbox messages to other systems, newest first",
    tags=["integration"],
    params=[query("status", {"enum": [s.value for s in OutboxStatus]}), *_PAGING],
    responses={200: shapes.OutboxPage, 401: None, 422: None},
)
@login_required
def list_outbox() -> dict[str, Any]:
    _require_integration_admin()
    params = QueryReader()
    status = params.choice("status", tuple(s.value for s in OutboxStatus))
    page, per_page = _page_params(params)
    params.done()
    found = monitoring.outbox_page(db.session, status=status, page=page, per_page=per_page)
    return page_json(found, outbox_json, shapes.OutboxPage)


@operation(
    bp,
    "/integration/outbox/<int:message_id>/replay",
    "POST",
    summary="Queue a dead or failed outbox message again (same idempotency key)",
    tags=["integration"],
    responses={200: shapes.OutboxMessage, 401: None, 404: None, 409: None},
)
@login_required
def replay_outbox(message_id: int) -> dict[str, Any]:
    message = monitoring.replay_message(db.session, message_id, current_actor())
    db.session.commit()
    return outbox_json(message)


@operation(
    bp,
    "/integration/incidents",
    "GET",
    summary="Incidents: deliveries that failed for good and wait for an admin",
    tags=["integration"],
    params=[query("status", {"enum": [s.value for s in IncidentStatus]}), *_PAGING],
    responses={200: shapes.IncidentPage, 401: None, 422: None},
)
@login_required
def list_incidents() -> dict[str, Any]:
    _require_integration_admin()
    params = QueryReader()
    status = params.choice("status", tuple(s.value for s in IncidentStatus))
    page, per_page = _page_params(params)
    params.done()
    found = monitoring.incidents_page(db.session, status=status, page=page, per_page=per_page)
    return page_json(found, incident_json, shapes.IncidentPage)


@operation(
    bp,
    "/integration/incidents/<int:incident_id>/retry",
    "POST",
    summary="Retry the failed delivery of an incident; it resolves when delivery succeeds",
    tags=["integration"],
    responses={200: shapes.Incident, 401: None, 404: None, 409: None},
)
@login_required
def retry_incident(incident_id: int) -> dict[str, Any]:
    incident = monitoring.retry_incident(db.session, incident_id, current_actor())
    db.session.commit()
    return incident_json(incident)


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
    responses={200: shapes.InboundEventPage, 401: None, 422: None},
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
    return page_json(found, inbound_json, shapes.InboundEventPage)
