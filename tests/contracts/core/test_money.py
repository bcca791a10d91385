"""Money is exact on SQLite too: no cents lost to floating point, filters and order in SQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text

from contracts.core.models import Contract, ExchangeRate
from contracts.inbox.models import InboxEntry
from webui.migrations import alembic_config

HUGE = ("999999999999999.99", "987654321098765.43", "987654321098765.44", "0.01", "0.00")


@pytest.mark.parametrize("amount", HUGE)
def test_amount_round_trips_through_the_api(api, amount):
    alice = api("alice")
    created = alice.create_contract(amount=amount)
    assert (created["amount"], created["amount_cny"]) == (amount, amount)

    read = alice.get(f"/api/v1/contracts/{created['id']}").get_json()
    assert (read["amount"], read["amount_cny"]) == (amount, amount)

    listed = alice.get("/api/v1/contracts?per_page=100").get_json()["items"]
    assert [c["amount"] for c in listed if c["id"] == created["id"]] == [amount]


def test_amount_round_trips_through_the_orm(api, session):
    ids = {amount: api("alice").create_contract(amount=amount)["id"] for amount in HUGE}
    session.expire_all()
    for amount, contract_id in ids.items():
        contract = session.get(Contract, contract_id)
        assert contract is not None
        assert contract.amount == Decimal(amount)
        assert str(contract.amount) == amount

    contract = session.get(Contract, ids["0.01"])
    contract.amount = Decimal("123456789012345.67")
    session.commit()
    session.expire_all()
    assert session.get(Contract, ids["0.01"]).amount == Decimal("123456789012345.67")


def test_filters_ordering_and_sums_tell_cents_apart(api, session):
    alice = api("alice")
    ids = {
        amount: alice.create_contract(title=f"Contract of {amount}", amount=amount)["id"]
        for amount in ("987654321098765.43", "987654321098765.44", "100.00", "100.01")
    }

    def listed(query: str) -> set[str]:
        response = alice.get(f"/api/v1/contracts?per_page=100&{query}")
        assert response.status_code == 200, response.get_json()
        return {c["amount"] for c in response.get_json()["items"] if c["id"] in ids.values()}

    assert listed("amount_min=987654321098765.44") == {"987654321098765.44"}
    assert listed("amount_max=987654321098765.43") == {
        "987654321098765.43",
        "100.00",
        "100.01",
    }
    assert listed("amount_min=100.01&amount_max=100.01") == {"100.01"}
    assert listed("amount_min=100.005&amount_max=100.01") == {"100.01"}
    # A maximum below the minimum is a mistake the list names (issue 14), not an empty list.
    reversed_range = alice.get("/api/v1/contracts?amount_min=100.005&amount_max=100.00")
    assert reversed_range.status_code == 422
    assert set(reversed_range.get_json()["error"]["details"]) == {"amount_max"}
    assert listed("amount_min=1e30") == set()
    assert listed("amount_max=-1e30") == set()

    mine = Contract.id.in_(ids.values())
    ordered = session.scalars(select(Contract.amount_cny).where(mine).order_by(Contract.amount_cny))
    assert [str(a) for a in ordered] == [
        "100.00",
        "100.01",
        "987654321098765.43",
        "987654321098765.44",
    ]
    total = session.scalar(select(func.sum(Contract.amount_cny)).where(mine))
    assert total == sum(Decimal(amount) for amount in ids)


def test_inbox_entry_amount_is_exact_and_sorts(api, session):
    alice = api("alice")
    for amount in ("987654321098765.44", "987654321098765.43"):
        alice.submit(alice.create_contract(amount=amount)["id"])
    amounts = session.scalars(
        select(InboxEntry.amount_cny)
        .where(InboxEntry.amount_cny > Decimal("987654321098765"), InboxEntry.kind == "s")
        .order_by(InboxEntry.amount_cny.desc())
    ).all()
    assert [str(a) for a in amounts] == ["987654321098765.44", "987654321098765.43"]


def test_exchange_rates_keep_six_places(session):
    session.merge(ExchangeRate(currency="XAU", rate_to_cny=Decimal("123456789012.345678")))
    session.commit()
    session.expire_all()
    assert session.get(ExchangeRate, "XAU").rate_to_cny == Decimal("123456789012.345678")


_OLD_CONTRACT = text(
    "INSERT INTO contract (id, number, title, contract_type_id, status, amount, currency,"
    " amount_cny, department_id, auto_renew, notice_days, renewal_term, custom_fields,"
    " description, owner_id, created_at, updated_at, edit_version) VALUES (:id, :number,"
    " 'Old', 1, 'draft', :amount, 'USD', :amount_cny, 1, 0, 30, 'P1Y', '{}', '', 1,"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
)


def test_migration_converts_rows_stored_as_floats(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "d9e3b7a5c2f1")
    engine = create_engine(url)
    with engine.connect() as outer:  # what the float-binding code left behind
        # Outside a transaction: inside one (every transaction BEGINs) the PRAGMA is a no-op.
        connection = outer.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no users or types needed
        connection.execute(
            _OLD_CONTRACT, {"id": 1, "number": "HT-1", "amount": 12345.67, "amount_cny": 87654.26}
        )
        connection.execute(
            _OLD_CONTRACT, {"id": 2, "number": "HT-2", "amount": 100, "amount_cny": 710}
        )
        connection.execute(
            text(
                "INSERT INTO inbox_entry (task_id, kind, state, created_at, amount_cny)"
                " VALUES (1, 's', 'open', '2026-01-01 00:00:00', 87654.26)"
            )
        )
        connection.execute(
            text("INSERT INTO exchange_rate VALUES ('USD', 7.1, '2026-01-01 00:00:00')")
        )
        connection.commit()

    # Up to this migration only: the test's rows reference no real user or type, which
    # later migrations that copy the contract table (with foreign keys on) would refuse.
    command.upgrade(config, "b4c5d6e7f8a9")

    with engine.connect() as connection:
        amounts = connection.execute(
            select(Contract.amount, Contract.amount_cny).order_by(Contract.id)
        ).all()
        assert amounts == [
            (Decimal("12345.67"), Decimal("87654.26")),
            (Decimal("100.00"), Decimal("710.00")),
        ]
        assert connection.scalar(select(InboxEntry.amount_cny)) == Decimal("87654.26")
        assert connection.scalar(select(ExchangeRate.rate_to_cny)) == Decimal("7.100000")
        assert (
            connection.scalar(select(Contract.id).where(Contract.amount_cny > Decimal("710.00")))
            == 1
        )

    command.downgrade(config, "d9e3b7a5c2f1")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT amount, amount_cny FROM contract ORDER BY id"))
        assert [tuple(row) for row in rows] == [(12345.67, 87654.26), (100, 710)]
    engine.dispose()
