"""Connector admin pages: admins only, secrets never shown back, outbox and incident actions."""

from __future__ import annotations

from tests.connectors.conftest import configure, deliver, po_created, post_webhook
from tests.connectors.test_purchase_fulfilment import approved_purchase, erp_messages
from tests.webui.account.test_tokens import signed_in


def test_only_admins_see_the_pages(client):
    signed_in(client, "alice")
    assert client.get("/admin/connectors/").status_code == 403


def test_configure_a_connector_and_never_see_its_secret(client):
    signed_in(client, "admin")
    assert client.get("/admin/connectors/").status_code == 200
    response = client.post(
        "/admin/connectors/erp",
        data={
            "enabled": "on",
            "base_url": "https://erp.example.com/api",
            "auth_type": "bearer",
            "secret": "top-secret-token",
            "webhook_secret": "hook-secret",
            "timeout_seconds": "5",
            "test_path": "/health",
            "mapping::erp/CreatePurchaseOrder": '{"ref": "contract.number"}',
        },
    )
    assert response.status_code == 302
    page = client.get("/admin/connectors/erp").text
    assert "top-secret-token" not in page and "hook-secret" not in page
    assert "https://erp.example.com/api" in page and "contract.number" in page
    assert "— set" in page


def test_bad_settings_show_the_fields(client):
    signed_in(client, "admin")
    response = client.post(
        "/admin/connectors/erp",
        data={
            "base_url": "ftp://x",
            "auth_type": "none",
            "timeout_seconds": "5",
            "mapping::erp/CreatePurchaseOrder": "{not json",
        },
    )
    assert response.status_code == 422
    assert "base_url" in response.text or "field_mappings" in response.text


def test_test_connection_button(client, app, remote):
    configure(app, "crm", remote.url)
    signed_in(client, "admin")
    response = client.post("/admin/connectors/crm/test", follow_redirects=True)
    assert "Connection works" in response.text


def test_outbox_incident_and_inbound_lists_with_replay(client, app, api, remote):
    configure(app, "erp", remote.url)
    remote.status = 400
    contract = approved_purchase(api)
    [message] = erp_messages(app)
    deliver(app)
    post_webhook(app.test_client(), "erp", po_created(contract["number"]), delivery="seen")
    signed_in(client, "admin")
    dead = client.get("/admin/connectors/outbox?status=dead").text
    assert "erp/CreatePurchaseOrder" in dead and "HTTP 400" in dead
    assert "HTTP 400" in client.get("/admin/connectors/incidents?status=open").text
    assert "seen" in client.get("/admin/connectors/inbound?connector=erp").text
    remote.status = 201
    response = client.post(f"/admin/connectors/outbox/{message.id}/replay")
    assert response.status_code == 302
    assert len(remote.requests) == 2  # delivered at once (eager jobs in embedded mode)
    assert "resolved" in client.get("/admin/connectors/incidents").text
