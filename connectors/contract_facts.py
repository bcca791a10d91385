"""The contract facts connectors map from (read-only; contracts own the writes)."""

from __future__ import annotations

from typing import Any

from contracts.core.models import Contract
from contracts.core.service import contract_by_number

__all__ = ["contract_by_number", "facts"]


def facts(contract: Contract) -> dict[str, Any]:
    """Return what a field mapping may read under `contract.` (JSON-ready values)."""
    return {
        "id": contract.id,
        "number": contract.number,
        "title": contract.title,
        "contract_type": contract.contract_type.code,
        "status": str(contract.status),
        "amount": str(contract.amount),
        "currency": contract.currency,
        "amount_cny": str(contract.amount_cny),
        "department": contract.department.code,
        "counterparty": contract.counterparty.name if contract.counterparty else None,
        "owner": contract.owner.username,
        "effective_date": _iso(contract.effective_date),
        "expiry_date": _iso(contract.expiry_date),
        "custom_fields": dict(contract.custom_fields or {}),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
