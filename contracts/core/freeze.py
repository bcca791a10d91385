"""When a contract's text may change: the one rule every write path asks (issue 14).

A contract is open while it is a draft and again after a rejection (for the revision).
From submission on, its documents, draft body and details are frozen for everyone: in
review until a decision; once approved, a change needs an amendment (a new draft that is
approved again, contracts/amendments.py); a closed contract never changes again.
"""

from __future__ import annotations

from enum import StrEnum

from contracts.core.models import Contract, ContractStatus
from contracts.errors import ContractFrozenError

OPEN_STATUSES = (ContractStatus.DRAFT, ContractStatus.REJECTED)
# Approved and not yet over: what was approved may be changed through an amendment.
AMENDABLE_STATUSES = (
    ContractStatus.APPROVED,
    ContractStatus.OUT_FOR_SIGNATURE,
    ContractStatus.ACTIVE,
    ContractStatus.EXPIRING,
)


class Freeze(StrEnum):
    """Why a contract's text may not change now (`OPEN`: it may)."""

    OPEN = "open"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CLOSED = "closed"


def freeze_of(contract: Contract) -> Freeze:
    """Whether the contract's documents, body and details may change, and if not, why."""
    if contract.status in OPEN_STATUSES:
        return Freeze.OPEN
    if contract.status == ContractStatus.IN_REVIEW:
        return Freeze.IN_REVIEW
    if contract.status in AMENDABLE_STATUSES:
        return Freeze.APPROVED
    return Freeze.CLOSED


def is_frozen(contract: Contract) -> bool:
    """True when nothing of the contract's text may change now."""
    return freeze_of(contract) != Freeze.OPEN


def require_open(contract: Contract) -> None:
    """Refuse (409 contract_frozen) a change to a contract's documents, body or details."""
    freeze = freeze_of(contract)
    if freeze == Freeze.OPEN:
        return
    status = str(contract.status).replace("_", " ")
    if freeze == Freeze.IN_REVIEW:
        message = (
            f"contract {contract.number} is in review: its documents are frozen until a decision"
        )
    elif freeze == Freeze.APPROVED:
        message = f"contract {contract.number} is {status}: change it through an amendment"
    else:
        message = f"contract {contract.number} is {status}: its documents can no longer change"
    raise ContractFrozenError(
        message, details={"status": str(contract.status), "reason": str(freeze)}
    )
