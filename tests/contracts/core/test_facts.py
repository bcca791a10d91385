"""One contract read model: the API, connector mappings and process data read the same facts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.contract_facts import facts as mapping_facts
from contracts.approval.operators import load_contract
from contracts.core.facts import contract_facts, money_cents, money_exact, money_number
from contracts.core.models import Contract
from engine.operators import OperatorContext
from webui.contracts.shapes import contract_json


@pytest.mark.parametrize(
    ("amount", "cents", "exact", "number"),
    [
        (Decimal("2000000"), "2000000.00", "2000000", 2000000.0),
        (Decimal("12.50"), "12.50", "12.50", 12.5),
        (Decimal("0.01"), "0.01", "0.01", 0.01),
    ],
)
def test_each_money_rendering_is_named_and_distinct(amount, cents, exact, number) -> None:
    assert money_cents(amount) == cents
    assert money_exact(amount) == exact
    assert money_number(amount) == number


def test_the_three_readers_agree_on_every_shared_fact(api, app, session) -> None:
    created = api("alice").create_contract(amount="12345.5")
    contract = session.scalars(select(Contract).where(Contract.id == created["id"])).one()
    read = contract_facts(contract)
    with app.test_request_context():
        shown = contract_json(contract)
    mapped = mapping_facts(contract)
    context = OperatorContext(
        session=session,
        instance=None,  # type: ignore[arg-type]  # load_contract does not read it
        actor=None,
        bpmn_id="load",
        task_name="Load",
        data={"contract_id": contract.id},
    )
    process = load_contract(context, {})

    assert shown["amount"] == "12345.50" and shown["amount_cny"] == money_cents(read.amount_cny)
    assert mapped["amount"] == money_exact(read.amount) == process["amount"]
    assert process["amount_cny"] == money_number(read.amount_cny)
    for name in ("id", "number", "title", "contract_type", "department", "currency", "owner"):
        assert shown[name] == mapped[name] == process.get(name, shown[name]) == getattr(read, name)
    for name in ("status", "counterparty", "effective_date", "expiry_date", "custom_fields"):
        assert shown[name] == mapped[name]
