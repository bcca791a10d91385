"""An active sales contract -> CRM update and finance commitment, in parallel, both answered."""

from __future__ import annotations

from sqlalchemy import select

from connectors import follow_ups
from contracts.core.models import Contract, ContractStatus
from engine import runtime
from engine.models import InstanceStatus, OutboxMessage
from tests.connectors.conftest import configure, deliver
from tests.connectors.remote import RemoteSystem
from webui.extensions import db
from webui.wiring import engine_environment


def active_sales_contract(app, api) -> int:
    contract = api("alice").create_contract(amount="80000.00", counterparty="Globex")
    with app.app_context():
        row = db.session.get(Contract, contract["id"])
        row.status = ContractStatus.ACTIVE
        db.session.commit()
    return contract["id"]


def test_crm_and_finance_both_get_the_contract(app, api, remote):
    finance = RemoteSystem(answer={"commitment_id": "C-7"}).start()
    try:
        configure(app, "crm", remote.url, auth_type="basic", username="cf", secret="pw")
        configure(app, "finance", finance.url, auth_type="hmac", secret="hmac-key")
        contract_id = active_sales_contract(app, api)
        with app.app_context():
            instance = follow_ups.start_sales_activation(
                db.session, contract_id, engine_environment(), actor="alice"
            )
            assert instance is not None
            instance_id = instance.id
            db.session.commit()
            channels = sorted(db.session.scalars(select(OutboxMessage.channel)))
        assert {"crm", "finance"} <= set(channels)
        deliver(app)

        [crm] = remote.requests
        assert crm.path == "/account-contracts"
        assert crm.headers["Authorization"].startswith("Basic ")
        assert crm.body["account_name"] == "Globex" and crm.body["status"] == "active"
        [commitment] = finance.requests
        assert commitment.path == "/commitments"
        assert commitment.headers["X-CF-Signature"].startswith("sha256=")
        assert commitment.body["cost_centre"] == "sales"
        assert commitment.body["payment_schedule"] == [
            {"due_date": "2027-01-01", "amount": "80000.00"}
        ]
        with app.app_context():
            assert db.session.get(type(instance), instance_id).status == InstanceStatus.COMPLETED
            data = runtime.instance_data(db.session, instance_id)
            assert data["finance_reply"]["response"]["body"] == {"commitment_id": "C-7"}
    finally:
        finance.stop()


def test_nothing_starts_while_crm_or_finance_is_not_enabled(app, api, remote):
    configure(app, "crm", remote.url)
    contract_id = active_sales_contract(app, api)
    with app.app_context():
        assert (
            follow_ups.start_sales_activation(db.session, contract_id, engine_environment()) is None
        )


def test_activating_an_approved_sales_contract_through_the_api_starts_it(app, api, remote):
    finance = RemoteSystem(answer={"commitment_id": "C-8"}).start()
    try:
        configure(app, "crm", remote.url)
        configure(app, "finance", finance.url)
        alice = api("alice")
        contract = alice.create_contract(amount="50000.00", counterparty="Initech")
        alice.submit(contract["id"])
        api("bob").approve(contract["id"])
        activated = api("bob").post(f"/api/v1/contracts/{contract['id']}/activate")
        assert activated.status_code == 200, activated.get_json()
        assert activated.get_json()["status"] == "active"
        deliver(app)
        assert [r.body["account_name"] for r in remote.requests] == ["Initech"]
        assert len(finance.requests) == 1
    finally:
        finance.stop()


def test_activating_a_purchase_contract_calls_no_crm(app, api, remote):
    configure(app, "crm", remote.url)
    frank = api("frank")
    contract = frank.create_contract(
        contract_type="purchase", department="procurement", amount="5000.00"
    )
    frank.submit(contract["id"])
    api("grace").approve(contract["id"])
    assert api("grace").post(f"/api/v1/contracts/{contract['id']}/activate").status_code == 200
    deliver(app)
    assert remote.requests == []
