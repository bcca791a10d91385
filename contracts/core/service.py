"""Contract use cases: create, edit, submit, read, list, timeline."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, defaultload, joinedload
from sqlalchemy.orm.exc import StaleDataError

from contracts import audit
from contracts.approval.settings import ApprovalSettings
from contracts.core import freeze
from contracts.core.contract_input import ContractInput, parse_contract_input
from contracts.core.models import Contract, ContractStatus, ContractTag, ContractType, Counterparty
from contracts.core.money import to_cny
from contracts.core.numbering import next_contract_number
from contracts.errors import ContractNotFoundError, ContractStateError, ValidationError
from contracts.identity import access
from contracts.identity.actor import Actor
from contracts.identity.models import Department, User
from engine import clock, runtime
from engine.db import update_versioned
from engine.environment import EngineEnvironment
from engine.errors import ConcurrentUpdateError
from engine.models import InstanceEvent, ProcessInstance

APPROVAL_PROCESS = "contract_approval"
TIMELINE_HIDDEN = {"started", "completed", "timer_fired", "task_completed"}


def create_contract(session: Session, raw: Any, actor: Actor) -> Contract:
    """Create a draft contract owned by the actor."""
    data = parse_contract_input(session, raw, partial=False)
    access.require_create(actor.user, data["department"].id)
    currency = data.values.get("currency", "CNY")
    contract = Contract(
        number=next_contract_number(session),
        title=data["title"],
        contract_type=data["contract_type"],
        status=ContractStatus.DRAFT,
        amount=data["amount"],
        currency=currency,
        amount_cny=to_cny(session, data["amount"], currency),
        department=data["department"],
        counterparty=_counterparty(session, data["counterparty"]),
        owner=actor.user,
        custom_fields={},
    )
    _apply_optional(session, contract, data)
    session.add(contract)
    session.flush()
    audit.record_on_contract(
        session, "contract.create", actor, contract.id, {"number": contract.number}
    )
    return contract


def update_contract(
    session: Session,
    contract_id: int,
    raw: Any,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Contract:
    """Edit a draft (or a rejected contract awaiting revision); partial update.

    `expected_version` is the `edit_version` the editor read; a contract saved since
    raises ConcurrentUpdateError. Without it a save that races another still fails
    with that error rather than overwriting it (the row's version is checked on flush).
    """
    contract = get_contract(session, contract_id, actor, audit_view=False)
    access.require_edit(actor.user, contract)
    require_edit_version(contract, expected_version)
    freeze.require_open(contract)
    data = parse_contract_input(session, raw, partial=True, current=_current_values(contract))
    if "department" in data and data["department"].id != contract.department_id:
        access.require_create(actor.user, data["department"].id)
    changed = sorted(data.values)
    # One UPDATE per save (one edit_version step): no flush halfway through the lookups.
    with session.no_autoflush:
        for name in ("title", "amount", "currency", "contract_type", "department"):
            if name in data:
                setattr(contract, name, data[name])
        if "counterparty" in data:
            contract.counterparty = _counterparty(session, data["counterparty"])
        _apply_optional(session, contract, data)
        contract.amount_cny = to_cny(session, contract.amount, contract.currency)
        contract.updated_at = clock.now()
    number = contract.number
    try:
        session.flush()
    except StaleDataError as exc:  # saved by someone else between our read and this write
        raise ConcurrentUpdateError(
            f"contract {number} was changed by someone else while you edited it; "
            "reload and try again",
            details={"contract_id": contract_id},
        ) from exc
    # The inbox's entries copy its amount, type, department, title and counterparty.
    from contracts.inbox import projection  # the inbox reads contracts: imported late

    projection.contracts_changed(session, [contract.id])
    audit.record_on_contract(session, "contract.edit", actor, contract.id, {"fields": changed})
    return contract


def submit_contract(
    session: Session,
    contract_id: int,
    actor: Actor,
    settings: ApprovalSettings,
    env: EngineEnvironment,
) -> Contract:
    """Start the approval process for a draft; the contract goes `in_review`."""
    contract = get_contract(session, contract_id, actor, audit_view=False)
    access.require_edit(actor.user, contract)
    if contract.status != ContractStatus.DRAFT:
        raise ContractStateError(
            f"contract {contract.number} is {contract.status}; only a draft can be submitted",
            details={"status": str(contract.status)},
        )
    _require_complete_for_submission(contract)
    instance = runtime.start_instance(
        session,
        APPROVAL_PROCESS,
        business_key=contract.number,
        data={
            "contract_id": contract.id,
            "contract_number": contract.number,
            "drafter": contract.owner.username,
            "sla_period": settings.sla_period,
            "sla_escalation_period": settings.sla_escalation_period,
        },
        actor=actor.username,
        env=env,
        history=("submitted",),
    )
    # Changed after the start, in one UPDATE of the contract row.
    write_contract(
        session,
        contract,
        status=ContractStatus.IN_REVIEW,
        updated_at=clock.now(),
        process_instance_id=instance.id,
    )
    audit.record_on_contract(
        session, "contract.submit", actor, contract.id, {"process_instance_id": instance.id}
    )
    session.flush()
    return contract


# Loading one contract: its tags come in the same statement (a list of contracts
# keeps the mapping's separate SELECT ... IN for them); its owner comes without
# the owner's department, which nothing shown with a contract uses.
ONE_CONTRACT = (
    joinedload(Contract.tag_rows),
    defaultload(Contract.owner).lazyload(User.department),
)


_BY_NUMBER = select(Contract).where(Contract.number == bindparam("number")).options(*ONE_CONTRACT)


def get_contract(
    session: Session, contract_id: int, actor: Actor, *, audit_view: bool = True
) -> Contract:
    """Return a contract the actor may see (404 when it doesn't exist or is hidden)."""
    contract = session.get(Contract, contract_id, options=ONE_CONTRACT)
    if contract is None:
        raise ContractNotFoundError(f"contract {contract_id} does not exist")
    if not access.can_see(session, actor.user, contract):
        error = ContractNotFoundError(f"contract {contract_id} does not exist")
        raise access.hidden(error, "contract", contract_id)
    if audit_view:
        audit.record_on_contract(session, "contract.view", actor, contract.id)
    return contract


@dataclass
class ContractFilters:
    q: str | None = None
    status: str | None = None
    contract_type: str | None = None
    department: str | None = None
    tag: str | None = None
    owner: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    effective_after: date | None = None
    effective_before: date | None = None
    expires_before: date | None = None
    expires_after: date | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class Page:
    items: list[Contract]
    total: int
    page: int
    per_page: int


def list_contracts(session: Session, filters: ContractFilters, actor: Actor) -> Page:
    """Return one page of the contracts the actor may see, newest first.

    Audited as one "contract.list" entry per request (its filters, the total and the
    ids shown), not one per row: a page is at most 100 rows.
    """
    query = _filtered(select(Contract).where(access.visible_contracts(actor.user)), filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Contract.created_at.desc(), Contract.id.desc())
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    ).all()
    used = {
        name: str(value)
        for name, value in asdict(filters).items()
        if value not in (None, "") and name not in ("page", "per_page")
    }
    audit.record_as(
        session,
        "contract.list",
        actor,
        object_type="contract",
        details={
            "filters": used,
            "page": filters.page,
            "per_page": filters.per_page,
            "total": total,
            "shown": [c.id for c in items],
        },
    )
    return Page(items=[c for c in items], total=total, page=filters.page, per_page=filters.per_page)


def timeline(
    session: Session, contract_id: int, actor: Actor, *, audit_read: bool = True
) -> list[InstanceEvent]:
    """Return the approval history of a contract across all its process instances.

    Audited as "contract.timeline" unless the caller's page already audits its view.
    """
    contract = get_contract(session, contract_id, actor, audit_view=False)
    if audit_read:
        audit.record_on_contract(session, "contract.timeline", actor, contract.id)
    instance_ids = list(
        session.scalars(
            select(ProcessInstance.id).where(ProcessInstance.business_key == contract.number)
        )
    )
    return [e for e in runtime.history(session, instance_ids) if e.action not in TIMELINE_HIDDEN]


def set_status(session: Session, contract: Contract, status: ContractStatus) -> ContractStatus:
    """Move a contract to a status (called by the `contracts/SetStatus` operator)."""
    previous = contract.status
    write_contract(session, contract, status=status, updated_at=clock.now())
    return previous


def write_contract(session: Session, contract: Contract, **values: Any) -> None:
    """UPDATE some of a loaded contract's columns now, if nobody changed it meanwhile.

    One Core statement under the contract's optimistic lock (`edit_version`); the new
    values become the object's committed state. For the engine's status changes on
    the approval path, where a flush of the whole object would cost several times more.
    """
    if not update_versioned(session, contract, values):
        raise ConcurrentUpdateError(
            f"contract {contract.number} was changed by someone else; reload and try again",
            details={"contract_id": contract.id},
        )


def require_edit_version(contract: Contract, expected: int | None) -> None:
    """Refuse an edit based on an `edit_version` other than the stored one (None: any)."""
    if expected is not None and expected != contract.edit_version:
        raise ConcurrentUpdateError(
            f"contract {contract.number} was changed by someone else since you read it "
            f"(edit_version {expected}, now {contract.edit_version}); reload and try again",
            details={"edit_version": contract.edit_version},
        )


def _filtered(query: Select[Any], f: ContractFilters) -> Select[Any]:
    if f.q:
        like = f"%{f.q.strip()}%"
        query = query.outerjoin(Counterparty, Counterparty.id == Contract.counterparty_id).where(
            or_(
                Contract.title.ilike(like),
                Contract.number.ilike(like),
                Contract.external_ref.ilike(like),
                Counterparty.name.ilike(like),
            )
        )
    if f.status:
        query = query.where(Contract.status == f.status)
    if f.contract_type:
        query = query.join(ContractType, ContractType.id == Contract.contract_type_id).where(
            ContractType.code == f.contract_type
        )
    if f.department:
        query = query.join(Department, Department.id == Contract.department_id).where(
            Department.code == f.department
        )
    if f.tag:
        query = query.where(
            Contract.id.in_(select(ContractTag.contract_id).where(ContractTag.tag == f.tag))
        )
    if f.owner:
        query = query.where(
            Contract.owner_id.in_(select(User.id).where(User.username == f.owner.strip()))
        )
    return _in_ranges(query, f)


def _in_ranges(query: Select[Any], f: ContractFilters) -> Select[Any]:
    """Narrow to the amount (CNY) and date ranges of the filters, bounds inclusive."""
    ranges: list[tuple[Any, Any, Any]] = [
        (Contract.amount_cny, f.amount_min, f.amount_max),
        (Contract.effective_date, f.effective_after, f.effective_before),
        (Contract.expiry_date, f.expires_after, f.expires_before),
    ]
    for column, low, high in ranges:
        if low is not None:
            query = query.where(column >= low)
        if high is not None:
            query = query.where(column <= high)
    return query


def _counterparty(session: Session, name: str) -> Counterparty:
    found = session.scalars(select(Counterparty).where(Counterparty.name == name)).first()
    if found is None:
        found = Counterparty(name=name)
        session.add(found)
    return found


def _apply_optional(session: Session, contract: Contract, data: ContractInput) -> None:
    for name in (
        "effective_date",
        "expiry_date",
        "auto_renew",
        "notice_days",
        "custom_fields",
        "description",
    ):
        if name in data:
            setattr(contract, name, data[name])
    if "tags" in data:
        wanted = set(data["tags"])
        contract.tag_rows = [row for row in contract.tag_rows if row.tag in wanted]
        kept = {row.tag for row in contract.tag_rows}
        contract.tag_rows.extend(ContractTag(tag=tag) for tag in sorted(wanted - kept))


def _current_values(contract: Contract) -> dict[str, Any]:
    return {
        "effective_date": contract.effective_date,
        "expiry_date": contract.expiry_date,
        "contract_type": contract.contract_type,
        "custom_fields": contract.custom_fields,
    }


def _require_complete_for_submission(contract: Contract) -> None:
    missing = {}
    if contract.counterparty is None:
        missing["counterparty"] = ["is required before submission"]
    if missing:
        raise ValidationError(missing, "the contract is incomplete")


def contract_by_number(session: Session, number: str | None) -> Contract | None:
    """Return the contract with this number, reusing one this session already holds.

    Workflow steps know contracts by business key; several listeners of one
    step ask for the same contract, and only the first should cost a query.
    """
    if not number:
        return None
    held = held_contract(session, number)
    if held is not None:
        return held
    contract = session.scalars(_BY_NUMBER, {"number": number}).unique().first()
    if contract is not None:
        hold(session, contract)
    return contract


def held_contract(session: Session, number: str) -> Contract | None:
    """Return the contract with this number if this session already holds it (no query)."""
    for obj in session.identity_map.values():
        if isinstance(obj, Contract) and obj.__dict__.get("number") == number:
            return obj
    return None


@dataclass(frozen=True)
class ContractSummary:
    """What a one-line mention of a contract shows (notification texts, mail subjects)."""

    number: str
    title: str
    amount: Decimal
    currency: str


_SUMMARY = select(Contract.number, Contract.title, Contract.amount, Contract.currency).where(
    Contract.number == bindparam("number")
)


def contract_summary(session: Session, number: str | None) -> ContractSummary | None:
    """Number, title and amount of a contract, without loading the contract object.

    A step that only mentions a contract (a new task's notification) needs four
    columns; the full object brings its type, department, counterparty, owner and
    tags along, several times the cost of the step's other reads.
    """
    if not number:
        return None
    contract = held_contract(session, number)
    if contract is not None:
        return ContractSummary(contract.number, contract.title, contract.amount, contract.currency)
    row = session.connection().execute(_SUMMARY, {"number": number}).first()
    return None if row is None else ContractSummary(*row)


def hold(session: Session, contract: Contract) -> Contract:
    """Keep a contract in the session's identity map for the rest of the unit of work.

    The identity map holds objects weakly: without this reference a contract loaded
    by an operator or a listener of a step is gone again before the next one asks
    for it, and each of them would query it anew. A few are enough (a step touches
    one contract); a long batch must not keep all it has seen.
    """
    session.info.setdefault(_HELD_CONTRACTS, deque(maxlen=8)).append(contract)
    return contract


_HELD_CONTRACTS = "contracts.held"
