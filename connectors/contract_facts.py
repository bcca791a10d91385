"""The contract facts connectors map from (read-only; contracts own the writes)."""

from __future__ import annotations

from typing import Any

from contracts.core.facts import contract_facts, iso, money_exact
from contracts.core.models import Contract
from contracts.core.service import contract_by_number

__all__ = ["contract_by_number", "facts"]


def facts(contract: Contract) -> dict[str, Any]:
    """Return what a field mapping may read under `contract.` (JSON-ready, money exact)."""
    read = contract_facts(contract)
    return {
        "id": read.id,
        "number": read.number,
        "title": read.title,
        "contract_type": read.contract_type,
        "status": read.status,
        "amount": money_exact(read.amount),
        "currency": read.currency,
        "amount_cny": money_exact(read.amount_cny),
        "department": read.department,
        "counterparty": read.counterparty,
        "owner": read.owner,
        "effective_date": iso(read.effective_date),
        "expiry_date": iso(read.expiry_date),
        "custom_fields": read.custom_fields,
    }
