"""POST /api/v1/webhooks/<connector>: signatures, replay window, idempotency, schemas."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from connectors.models import InboundEvent, InboundStatus
from contracts.audit.models import AuditEntry
from tests.connectors.conftest import (
    WEBHOOK_SECRET,
    configure,
    po_created,
    post_webhook,
    signed_headers,
)
from webui.extensions import db


@pytest.fixture(autouse=True)
def erp(app):
    configure(app, "erp", "http://127.0.0.1:9")


def stored(app) -> list[InboundEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(InboundEvent).order_by(InboundEvent.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_valid_delivery_without_a_waiting_instance_is_kept_pending(app, client):
    response = post_webhook(client, "erp", po_created("HT-2026-999999"), delivery="d-1")
    assert response.status_code == 202
    assert response.get_json() == {
        "delivery_id": "d-1",
        "status": "pending",
        "process_instance_id": None,
    }
    [event] = stored(app)
    assert event.status == InboundStatus.PENDING and event.business_key == "HT-2026-999999"
    assert event.expires_at is not None


def test_a_repeated_delivery_gets_the_first_answer_and_is_stored_once(app, client):
    first = post_webhook(client, "erp", po_created("HT-1"), delivery="same")
    again = post_webhook(client, "erp", po_created("HT-1"), delivery="same")
    other = post_webhook(client, "erp", po_created("HT-1"), delivery="other")
    assert (first.status_code, again.status_code, other.status_code) == (202, 202, 202)
    assert again.get_json() == first.get_json()
    assert [e.delivery_id for e in stored(app)] == ["same", "other"]


def test_a_repeated_bad_payload_gets_its_first_answer_too(app, client):
    first = post_webhook(client, "erp", b"{not json", delivery="bad-1")
    again = post_webhook(client, "erp", po_created("HT-1"), delivery="bad-1")
    assert first.status_code == again.status_code == 400
    assert again.get_json() == first.get_json()
    assert [e.status for e in stored(app)] == [InboundStatus.REJECTED]


@pytest.mark.parametrize(
    ("secret", "skew", "code"),
    [
        ("wrong-secret", 0, "bad_signature"),
        (WEBHOOK_SECRET, -400, "stale_timestamp"),
        (WEBHOOK_SECRET, 400, "stale_timestamp"),
    ],
)
def test_wrong_signature_or_stale_timestamp_is_401(app, client, secret, skew, code):
    stamp = int(time.time()) + skew
    response = post_webhook(client, "erp", po_created("HT-1"), secret=secret, timestamp=stamp)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == code
    assert stored(app) == []


def test_a_bad_signature_leaves_a_security_audit_entry(app, client):
    post_webhook(client, "erp", po_created("HT-1"), secret="forged")
    assert audit_actions(app)[-1] == "webhook.bad_signature"


@pytest.mark.parametrize("missing", ["X-CF-Signature", "X-CF-Timestamp"])
def test_missing_signature_headers_are_401(app, client, missing):
    body = json.dumps(po_created("HT-1")).encode()
    headers = signed_headers(body)
    del headers[missing]
    response = client.post("/api/v1/webhooks/erp", data=body, headers=headers)
    assert response.status_code == 401
    assert audit_actions(app)[-1] == "webhook.bad_signature"


def test_a_signature_over_another_body_is_401(app, client):
    body = json.dumps(po_created("HT-1")).encode()
    headers = signed_headers(json.dumps(po_created("HT-2")).encode())
    assert client.post("/api/v1/webhooks/erp", data=body, headers=headers).status_code == 401


def test_missing_delivery_id_is_400(client):
    body = json.dumps(po_created("HT-1")).encode()
    headers = signed_headers(body)
    del headers["X-CF-Delivery"]
    response = client.post("/api/v1/webhooks/erp", data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_body"


def test_malformed_json_is_400_and_stored(app, client):
    response = post_webhook(client, "erp", b'{"type": ', delivery="m-1")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_body"
    assert [e.status for e in stored(app)] == [InboundStatus.REJECTED]


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "purchase_order.created", "contract_number": "HT-1", "data": {}},
        {"type": "purchase_order.created", "data": {"purchase_order_number": "P"}},
        {"type": "payment.received", "contract_number": "HT-1", "data": {}},
        ["not", "an", "object"],
    ],
)
def test_a_payload_that_breaks_its_schema_is_422(app, client, payload):
    response = post_webhook(client, "erp", payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "schema_failed" and error["details"]


@pytest.mark.parametrize("connector", ["sap", "finance"])
def test_unknown_or_unconfigured_connector_is_404(client, connector):
    response = post_webhook(client, connector, po_created("HT-1"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_connector"


def test_every_delivery_is_listed_for_admins(app, client, api):
    post_webhook(client, "erp", po_created("HT-1"), delivery="listed")
    listing = api("admin").get("/api/v1/integration/inbound-events?connector=erp").get_json()
    assert [e["delivery_id"] for e in listing["items"]] == ["listed"]
    assert listing["items"][0]["status"] == "pending"
    assert api("alice").get("/api/v1/integration/inbound-events").status_code == 403


def test_webhooks_need_no_csrf_token(app, template_db, tmp_path):
    import shutil

    from tests.conftest import make_app

    path = tmp_path / "csrf.db"
    shutil.copy(template_db, path)
    strict = make_app(path, tmp_path, WTF_CSRF_ENABLED=True)
    configure(strict, "erp", "http://127.0.0.1:9")
    response = post_webhook(strict.test_client(), "erp", po_created("HT-1"))
    assert response.status_code == 202
    with strict.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_secret_is_the_one_configured(app, client):
    assert post_webhook(client, "erp", po_created("HT-1"), secret=WEBHOOK_SECRET).status_code == 202
