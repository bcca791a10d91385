"""Amendments: change an approved contract through a new draft that is approved again.

The approved contract stays as it was (contracts/freeze.py). An amendment is an ordinary
contract row, a draft linked by `amends_id`, that starts with a copy of the original's
details, body and newest documents; it is edited, submitted and routed like any draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.core import freeze
from contracts.core.models import Contract, ContractStatus, ContractTag
from contracts.core.numbering import next_contract_number
from contracts.core.service import get_contract
from contracts.documents import bodies, diff
from contracts.documents import service as documents
from contracts.documents.models import Document, DocumentVersion, DraftBody
from contracts.documents.settings import DocumentSettings
from contracts.errors import ContractStateError
from contracts.identity import access
from contracts.identity.actor import Actor


@dataclass(frozen=True)
class TextChange:
    """One text of the approved contract beside the amendment's, with their differences."""

    title: str
    original: DocumentVersion | None  # None for the body
    amended: DocumentVersion | None
    ops: list[diff.DiffOp]


@dataclass(frozen=True)
class AmendmentComparison:
    original: Contract
    amendment: Contract
    changes: list[TextChange]


def start_amendment(
    session: Session, contract_id: int, actor: Actor, settings: DocumentSettings
) -> Contract:
    """Open a draft amendment of an approved contract, copying its details, body and documents."""
    original = get_contract(session, contract_id, actor, audit_view=False)
    access.require_edit(actor.user, original)
    if freeze.freeze_of(original) != freeze.Freeze.APPROVED:
        raise ContractStateError(
            f"contract {original.number} is {original.status}; only an approved contract is "
            "amended (a draft or rejected contract is edited directly)",
            details={"status": str(original.status)},
        )
    pending = open_amendment(session, original.id)
    if pending is not None:
        raise ContractStateError(
            f"amendment {pending.number} of contract {original.number} is already in progress",
            details={"amendment_id": pending.id, "amendment_number": pending.number},
        )
    amendment = Contract(
        number=next_contract_number(session),
        title=original.title,
        contract_type=original.contract_type,
        amount=original.amount,
        currency=original.currency,
        amount_cny=original.amount_cny,
        department=original.department,
        counterparty=original.counterparty,
        effective_date=original.effective_date,
        expiry_date=original.expiry_date,
        auto_renew=original.auto_renew,
        notice_days=original.notice_days,
        renewal_term=original.renewal_term,
        custom_fields=dict(original.custom_fields or {}),
        description=original.description,
        template_version_id=original.template_version_id,
        owner=actor.user,
        amends_id=original.id,
    )
    amendment.tag_rows = [ContractTag(tag=tag) for tag in original.tags]
    session.add(amendment)
    session.flush()
    body = session.scalars(select(DraftBody).where(DraftBody.contract_id == original.id)).first()
    if body is not None:
        bodies.save_body(session, amendment.id, body.text, None, actor)
    documents.copy_documents(session, original, amendment, actor, settings)
    audit.record_on_contract(
        session,
        "contract.amend",
        actor,
        original.id,
        {"amendment_id": amendment.id, "amendment_number": amendment.number},
    )
    return amendment


def open_amendment(session: Session, contract_id: int) -> Contract | None:
    """The amendment of a contract still being drafted, reviewed or revised, if any."""
    return session.scalars(
        select(Contract)
        .where(Contract.amends_id == contract_id, Contract.status.in_(_UNDECIDED))
        .order_by(Contract.id.desc())
    ).first()


def amendments_of(
    session: Session, contract: Contract, actor: Actor, *, audit_read: bool = True
) -> list[Contract]:
    """The amendments of a contract the actor may see, newest first.

    Audited as "contract.amendments" unless the caller's page already audits its view.
    """
    found = list(
        session.scalars(
            select(Contract)
            .where(Contract.amends_id == contract.id, access.visible_contracts(actor.user))
            .order_by(Contract.id.desc())
        )
    )
    if audit_read:
        audit.record_on_contract(
            session, "contract.amendments", actor, contract.id, {"shown": [c.id for c in found]}
        )
    return found


def compare_with_original(session: Session, amendment_id: int, actor: Actor) -> AmendmentComparison:
    """Set the amendment's body and documents beside the approved ones (audited: shows text)."""
    amendment = get_contract(session, amendment_id, actor, audit_view=False)
    if amendment.amends_id is None:
        raise ContractStateError(
            f"contract {amendment.number} is not an amendment", details={"amends_id": None}
        )
    original = get_contract(session, amendment.amends_id, actor, audit_view=False)
    changes = [_body_change(session, original, amendment)]
    copies = session.scalars(
        select(Document)
        .where(Document.contract_id == amendment.id, Document.copy_of_version_id.is_not(None))
        .order_by(Document.id)
    )
    for document in list(copies):
        before = session.get(DocumentVersion, document.copy_of_version_id)
        after = document.latest
        old_text = before.extracted_text if before else ""
        new_text = after.extracted_text if after else ""
        changes.append(
            TextChange(document.title, before, after, diff.diff_texts(old_text, new_text))
        )
    audit.record_on_contract(
        session, "contract.amendment_compare", actor, amendment.id, {"original_id": original.id}
    )
    return AmendmentComparison(original, amendment, changes)


def _body_change(session: Session, original: Contract, amendment: Contract) -> TextChange:
    texts = []
    for contract in (original, amendment):
        body = session.scalars(
            select(DraftBody).where(DraftBody.contract_id == contract.id)
        ).first()
        texts.append(body.text if body else "")
    return TextChange("", None, None, diff.diff_texts(texts[0], texts[1]))


_UNDECIDED = (
    ContractStatus.DRAFT,
    ContractStatus.IN_REVIEW,
    ContractStatus.REJECTED,
)


def original_of(session: Session, contract: Contract, actor: Actor) -> Contract | None:
    """The approved contract this one amends, if it is an amendment the actor may see."""
    if contract.amends_id is None:
        return None
    original = session.get(Contract, contract.amends_id)
    if original is None or not access.can_see(session, actor.user, original):
        return None
    return original


def may_amend(session: Session, contract: Contract, actor: Actor) -> bool:
    """Whether the actor may start an amendment of this contract now."""
    return (
        freeze.freeze_of(contract) == freeze.Freeze.APPROVED
        and access.may_edit(actor.user, contract)
        and open_amendment(session, contract.id) is None
    )
