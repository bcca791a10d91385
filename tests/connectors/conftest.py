"""Fixtures: stand-ins for ERP/finance/CRM on localhost, connector settings, outbox runs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from connectors import settings, signing
from engine import clock, outbox
from tests.connectors.remote import RemoteSystem
from webui.extensions import db
from webui.wiring import engine_environment

WEBHOOK_SECRET = "whsec-test-0123456789"


@pytest.fixture
def remote() -> Iterator[RemoteSystem]:
    system = RemoteSystem().start()
    yield system
    system.stop()


def configure(app: Flask, name: str, url: str, **changes: Any) -> None:
    """Enable a connector at `url` with a bearer token and the test webhook secret."""
    with app.app_context():
        settings.update_config(
            db.session,
            name,
            {
                "enabled": True,
                "base_url": url,
                "auth_type": "bearer",
                "secret": f"{name}-token",
                "webhook_secret": WEBHOOK_SECRET,
                "timeout_seconds": 5,
                **changes,
            },
            app.extensions["cf_secret_box"],
            actor="admin",
        )
        db.session.commit()


def deliver(app: Flask, *, later: timedelta = timedelta(0)) -> outbox.DeliveryReport:
    """Run the outbox job once, `later` from now (past every backoff when hours ahead)."""
    with app.app_context():
        if later:
            with time_machine.travel(clock.now() + later, tick=False):
                return outbox.deliver_due(db.session, engine_environment())
        return outbox.deliver_due(db.session, engine_environment())


def signed_headers(
    body: bytes,
    *,
    secret: str = WEBHOOK_SECRET,
    delivery: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        signing.TIMESTAMP_HEADER: stamp,
        signing.SIGNATURE_HEADER: signing.signature(secret, stamp, body),
        signing.DELIVERY_HEADER: delivery or str(uuid.uuid4()),
    }


def post_webhook(client: FlaskClient, connector: str, payload: Any, **kwargs: Any) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        f"/api/v1/webhooks/{connector}", data=body, headers=signed_headers(body, **kwargs)
    )


def po_created(number: str, po: str = "PO-4711") -> dict[str, Any]:
    return {
        "type": "purchase_order.created",
        "contract_number": number,
        "data": {"purchase_order_number": po},
    }
