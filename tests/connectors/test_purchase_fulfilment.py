"""An approved purchase contract -> ERP purchase order through the outbox -> ERP's webhook."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from connectors.models import InboundEvent, InboundStatus, Incident, IncidentStatus
from contracts.notifications.models import Notification
from engine import clock, runtime, timers
from engine.models import InstanceStatus, OutboxMessage, OutboxStatus, ProcessInstance
from tests.connectors.conftest import configure, deliver, po_created, post_webhook
from webui.extensions import db
from webui.wiring import engine_environment

HOURS = timedelta(hours=3)


def approved_purchase(api) -> dict:
    frank, grace = api("frank"), api("grace")
    contract = frank.create_contract(
        title="Office chairs",
        contract_type="purchase",
        department="procurement",
        amount="50000.00",
        counterparty="Chair Supplies Ltd.",
    )
    frank.submit(contract["id"])
    grace.approve(contract["id"])
    return contract


def fulfilment(app, number: str) -> ProcessInstance:
    with app.app_context():
        instance = db.session.scalars(
            select(ProcessInstance)
            .join(ProcessInstance.definition)
            .where(ProcessInstance.business_key == number)
            .order_by(ProcessInstance.id.desc())
        ).first()
        assert instance is not None and instance.definition.key == "purchase_fulfilment"
        db.session.expunge(instance)
        return instance


def erp_messages(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "erp")))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_erp_down_three_times_then_delivered_once_and_the_order_arrives(app, api, client, remote):
    configure(app, "erp", remote.url)
    remote.fail_first = 3
    remote.answer = {"request_id": "R-9"}
    contract = approved_purchase(api)
    instance = fulfilment(app, contract["number"])
    [message] = erp_messages(app)
    assert message.instance_id == instance.id and message.status == OutboxStatus.PENDING

    assert message.id in deliver(app).retrying
    for attempt in (2, 3):
        assert message.id in deliver(app, later=HOURS * attempt).retrying
    assert message.id in deliver(app, later=HOURS * 4).delivered
    assert message.id not in deliver(app, later=HOURS * 5).delivered  # nothing twice

    assert len(remote.requests) == 4
    assert remote.by_key == {message.idempotency_key: 1}
    sent = remote.requests[-1]
    assert sent.path == "/purchase-orders"
    assert sent.headers["Authorization"] == "Bearer erp-token"
    assert sent.headers["Idempotency-Key"] == message.idempotency_key
    assert sent.body["contract_number"] == contract["number"]
    assert sent.body["supplier"] == "Chair Supplies Ltd."
    assert sent.body["amount"] == "50000.00"

    with app.app_context():
        data = runtime.instance_data(db.session, instance.id)
        assert data["po_request_reply"]["response"] == {
            "status": 201,
            "body": {"request_id": "R-9"},
        }

    response = post_webhook(client, "erp", po_created(contract["number"]))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["process_instance_id"] == instance.id
    with app.app_context():
        done = db.session.get(ProcessInstance, instance.id)
        assert done.status == InstanceStatus.COMPLETED
        assert runtime.instance_data(db.session, instance.id)["purchase_order_number"] == "PO-4711"


def test_permanent_400_raises_an_incident_and_a_retry_delivers(app, api, remote):
    configure(app, "erp", remote.url)
    remote.status = 400
    remote.answer = {"error": "unknown supplier"}
    contract = approved_purchase(api)
    instance = fulfilment(app, contract["number"])

    [message] = erp_messages(app)
    assert message.id in deliver(app).dead and len(remote.requests) == 1
    with app.app_context():
        [incident] = db.session.scalars(select(Incident)).all()
        assert incident.instance_id == instance.id and incident.status == IncidentStatus.OPEN
        assert "HTTP 400" in incident.error and "unknown supplier" in incident.error
        incident_id = incident.id

    admin = api("admin")
    assert admin.get("/api/v1/integration/incidents?status=open").get_json()["total"] == 1
    remote.status = 201
    remote.answer = {"request_id": "R-1"}
    response = admin.post(f"/api/v1/integration/incidents/{incident_id}/retry")
    assert response.status_code == 200, response.get_json()
    deliver(app)
    with app.app_context():
        incident = db.session.get(Incident, incident_id)
        assert incident.status == IncidentStatus.RESOLVED and incident.resolved_at is not None
        message = db.session.get(OutboxMessage, incident.outbox_message_id)
        assert message.status == OutboxStatus.DELIVERED
        assert "po_request_reply" in runtime.instance_data(db.session, instance.id)
    assert len(remote.requests) == 2
    assert remote.by_key == {message.idempotency_key: 1}


def test_the_order_arrives_before_the_instance_waits_for_it(app, api, client, remote):
    configure(app, "erp", remote.url)
    contract = approved_purchase(api)
    instance = fulfilment(app, contract["number"])
    # The ERP calls back before its answer to our request got through.
    response = post_webhook(client, "erp", po_created(contract["number"], "PO-1"))
    assert response.status_code == 202
    assert response.get_json()["status"] == "pending"
    with app.app_context():
        [event] = db.session.scalars(select(InboundEvent)).all()
        assert event.status == InboundStatus.PENDING and event.instance_id is None

    deliver(app)  # the reply arrives: the instance now waits for the order, and gets it
    with app.app_context():
        event = db.session.scalars(select(InboundEvent)).one()
        assert event.status == InboundStatus.DELIVERED and event.instance_id == instance.id
        assert db.session.get(ProcessInstance, instance.id).status == InstanceStatus.COMPLETED
        assert runtime.instance_data(db.session, instance.id)["purchase_order_number"] == "PO-1"


def test_reminds_the_owner_while_the_order_does_not_come(app, api, remote):
    configure(app, "erp", remote.url)
    contract = approved_purchase(api)
    instance = fulfilment(app, contract["number"])
    deliver(app)
    for days in (3, 6):
        with app.app_context(), time_machine.travel(clock.now() + timedelta(days=days, hours=1)):
            timers.fire_due_timers(db.session, engine_environment())
    with app.app_context():
        notes = db.session.scalars(
            select(Notification).where(Notification.kind == "integration_reminder")
        ).all()
        assert len(notes) == 2 and contract["number"] in notes[0].message
        assert db.session.get(ProcessInstance, instance.id).status == InstanceStatus.RUNNING


def test_no_erp_configured_means_no_follow_up(app, api):
    contract = approved_purchase(api)
    with app.app_context():
        keys = [
            i.definition.key
            for i in db.session.scalars(
                select(ProcessInstance).where(ProcessInstance.business_key == contract["number"])
            )
        ]
    assert keys == ["contract_approval"]
