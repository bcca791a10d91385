"""The contract read model: a contract's facts, built once, and how each reader renders them.

Three readers show a contract outside the database: the REST API, the connectors' field
mappings and the approval process data. They read the same `ContractFacts`; what differs is
only the rendering of money, named here:

- `money_cents` — always two decimals (`"2000000.00"`): the REST API's promise;
- `money_exact` — the stored decimal as written (`"2000000"`, `"12.5"`): field mappings and
  the process data's `amount`;
- `money_number` — a JSON number: the process data's `amount_cny`, compared by the DMN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from contracts.core.models import Contract


@dataclass(frozen=True)
class ContractFacts:
    """What a contract is, in plain values (no ORM objects)."""

    id: int
    number: str
    external_reference: str | None
    title: str
    contract_type: str
    status: str
    amount: Decimal
    currency: str
    amount_cny: Decimal
    department: str
    counterparty: str | None
    owner: str
    effective_date: date | None
    expiry_date: date | None
    auto_renew: bool
    notice_days: int
    tags: list[str]
    custom_fields: dict[str, Any]
    description: str
    created_at: datetime
    updated_at: datetime
    process_instance_id: int | None
    renewal_term: str
    renewal_of_id: int | None
    amends_id: int | None
    edit_version: int


def contract_facts(contract: Contract) -> ContractFacts:
    """Read a contract's facts once, following its type, department, party and owner."""
    return ContractFacts(
        id=contract.id,
        number=contract.number,
        external_reference=contract.external_ref,
        title=contract.title,
        contract_type=contract.contract_type.code,
        status=str(contract.status),
        amount=contract.amount,
        currency=contract.currency,
        amount_cny=contract.amount_cny,
        department=contract.department.code,
        counterparty=contract.counterparty.name if contract.counterparty else None,
        owner=contract.owner.username,
        effective_date=contract.effective_date,
        expiry_date=contract.expiry_date,
        auto_renew=contract.auto_renew,
        notice_days=contract.notice_days,
        tags=contract.tags,
        custom_fields=dict(contract.custom_fields or {}),
        description=contract.description or "",
        created_at=contract.created_at,
        updated_at=contract.updated_at,
        process_instance_id=contract.process_instance_id,
        renewal_term=contract.renewal_term,
        renewal_of_id=contract.renewal_of_id,
        amends_id=contract.amends_id,
        edit_version=contract.edit_version,
    )


def money_cents(amount: Decimal) -> str:
    """Render money with exactly two decimals, as the REST API promises."""
    return f"{amount:.2f}"


def money_exact(amount: Decimal) -> str:
    """Render money as the stored decimal, digits as written."""
    return str(amount)


def money_number(amount: Decimal) -> float:
    """Render money as a JSON number, for decision tables that compare it."""
    return float(amount)


def iso(value: date | datetime | None) -> str | None:
    """Render a date or timestamp as ISO 8601, None as None."""
    return value.isoformat() if value is not None else None
