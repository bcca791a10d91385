"""connectors.webhooks.receive_once: one delivery sent many times at once is received once."""

from __future__ import annotations

import json

from sqlalchemy import select

from connectors.models import InboundEvent, InboundStatus
from engine.models import InstanceStatus, ProcessInstance
from tests.connectors.conftest import configure, deliver, po_created, signed_headers
from tests.connectors.test_purchase_fulfilment import approved_purchase, fulfilment
from tests.factories import race
from webui.extensions import db

RACERS = 8


def _same_delivery_in_parallel(app, payload: dict, delivery: str) -> list:
    body = json.dumps(payload).encode()
    headers = signed_headers(body, delivery=delivery)
    clients = [app.test_client() for _ in range(RACERS)]
    return race(
        [lambda c=c: c.post("/api/v1/webhooks/erp", data=body, headers=headers) for c in clients]
    )


def _stored(app) -> list[tuple[str, InboundStatus, int | None]]:
    with app.app_context():
        rows = db.session.scalars(select(InboundEvent).order_by(InboundEvent.id))
        return [(r.delivery_id, r.status, r.instance_id) for r in rows]


def test_a_delivery_sent_in_parallel_is_stored_once_and_every_copy_gets_its_answer(app):
    configure(app, "erp", "http://127.0.0.1:9")
    responses = _same_delivery_in_parallel(app, po_created("HT-2026-000404"), "twin")
    assert [r.status_code for r in responses] == [202] * RACERS, [r.get_json() for r in responses]
    first = {"delivery_id": "twin", "status": "pending", "process_instance_id": None}
    assert all(r.get_json() == first for r in responses)
    assert _stored(app) == [("twin", InboundStatus.PENDING, None)]


def test_a_delivery_sent_in_parallel_moves_the_waiting_instance_once(app, api, remote):
    configure(app, "erp", remote.url)
    contract = approved_purchase(api)
    instance = fulfilment(app, contract["number"])
    deliver(app)  # the purchase order request goes out; the instance waits for the order
    responses = _same_delivery_in_parallel(app, po_created(contract["number"]), "po-twin")
    assert [r.status_code for r in responses] == [200] * RACERS, [r.get_json() for r in responses]
    assert {r.get_json()["process_instance_id"] for r in responses} == {instance.id}
    assert _stored(app) == [("po-twin", InboundStatus.DELIVERED, instance.id)]
    with app.app_context():
        assert db.session.get(ProcessInstance, instance.id).status == InstanceStatus.COMPLETED
