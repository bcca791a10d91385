"""Service-task operators of processes/contract_lifecycle.bpmn.

`contracts/LifecycleDates` turns the contract's expiry date, notice period and
the configured reminder offsets into absolute ISO timestamps that the
diagram's TimeDate timers read. The others move the contract along and write
its timeline (`reminded`, `status_changed`, `renewed`, `renegotiation_started`,
`termination_scheduled`, `terminated`, `expired`).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import select

from contracts.core.models import Contract, ContractStatus, ContractTag
from contracts.core.numbering import next_contract_number
from contracts.core.service import set_status
from contracts.lifecycle.dates import DEFAULT_REMINDER_OFFSETS, add_term, lifecycle_dates, midnight
from contracts.lifecycle.expiry_notices import send_expiry_reminder
from contracts.notifications.settings import MessageSettings
from engine import clock
from engine.errors import WorkflowStepError
from engine.models import InstanceEvent
from engine.operators import OperatorContext, OperatorRegistry

# What the reminder timer waits for once the contract expired (it is never reached).
NO_MORE_REMINDERS = "9999-12-31T00:00:00+00:00"


def _contract(ctx: OperatorContext) -> Contract:
    contract = ctx.session.get(Contract, ctx.data.get("contract_id"))
    if contract is None:
        raise WorkflowStepError(f"{ctx.bpmn_id}: contract {ctx.data.get('contract_id')!r} is gone")
    if contract.expiry_date is None:
        raise WorkflowStepError(f"{ctx.bpmn_id}: contract {contract.number} has no expiry date")
    return contract


def _move(ctx: OperatorContext, contract: Contract, status: ContractStatus) -> None:
    previous = set_status(ctx.session, contract, status)
    if previous != status:
        ctx.record_event("status_changed", details={"from": str(previous), "to": str(status)})


def compute_dates(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return notice start, reminders and expiry of the current term as ISO timestamps."""
    contract = _contract(ctx)
    offsets = ctx.data.get("reminder_offsets") or DEFAULT_REMINDER_OFFSETS
    assert contract.expiry_date is not None
    dates = lifecycle_dates(contract.expiry_date, contract.notice_days, offsets)
    return {
        **dates.as_data(),
        "expiry_date": contract.expiry_date.isoformat(),
        "auto_renew": bool(contract.auto_renew),
    }


def mark_expiring(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Open the notice window: an active contract becomes `expiring`."""
    contract = _contract(ctx)
    if contract.status == ContractStatus.ACTIVE:
        _move(ctx, contract, ContractStatus.EXPIRING)
    return {"status": str(contract.status)}


def remind_expiry(
    ctx: OperatorContext, params: dict[str, Any], settings: MessageSettings | None = None
) -> dict[str, Any]:
    """Send the latest due reminder unless it went out already; return when the next one is due."""
    contract = _contract(ctx)
    dates = ctx.data.get("dates") or {}
    moments = sorted(
        datetime.fromisoformat(m) for m in [dates["notice_at"], *dates.get("reminders", [])]
    )
    now = clock.now()
    expires_at = datetime.fromisoformat(dates["expires_at"])
    if now >= expires_at:  # too late to remind: the process handles the expiry
        return {"sent": None, "expired": True, "next_reminder_at": NO_MORE_REMINDERS}
    due = [m for m in moments if m <= now]
    sent = None
    if due and due[-1].isoformat() not in _reminded_moments(ctx):
        people = send_expiry_reminder(ctx, contract, due[-1], settings or MessageSettings())
        ctx.record_event(
            "reminded",
            details={
                "at": due[-1].isoformat(),
                "people": people,
                "expiry": str(contract.expiry_date),
            },
        )
        sent = due[-1].isoformat()
    # One timer waits for the next reminder or the expiry, whichever comes first: two
    # interrupting timers on one task could both fire after an outage and split the token.
    upcoming = [m for m in moments if now < m < expires_at] + [expires_at]
    return {"sent": sent, "expired": False, "next_reminder_at": upcoming[0].isoformat()}


def _reminded_moments(ctx: OperatorContext) -> set[str]:
    events = ctx.session.scalars(
        select(InstanceEvent.details).where(
            InstanceEvent.instance_id == ctx.instance.id, InstanceEvent.action == "reminded"
        )
    )
    return {str(details.get("at")) for details in events if details}


def renew(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Extend the expiry date by the contract's renewal term; the contract is active again."""
    contract = _contract(ctx)
    automatic = bool(params.get("automatic"))
    assert contract.expiry_date is not None
    old = contract.expiry_date
    contract.expiry_date = add_term(old, contract.renewal_term)
    _move(ctx, contract, ContractStatus.ACTIVE)
    ctx.record_event(
        "renewed",
        comment=None if automatic else ctx.data.get("comment") or None,
        details={
            "from": old.isoformat(),
            "to": contract.expiry_date.isoformat(),
            "term": contract.renewal_term,
            "automatic": automatic,
        },
    )
    return {"expiry_date": contract.expiry_date.isoformat(), "automatic": automatic}


def renegotiate(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a linked draft copy (`renewal_of_id`) of the next term for a new approval round."""
    contract = _contract(ctx)
    assert contract.expiry_date is not None
    start = add_term(contract.expiry_date, "P1D")
    draft = Contract(
        number=next_contract_number(ctx.session),
        title=contract.title,
        contract_type=contract.contract_type,
        status=ContractStatus.DRAFT,
        amount=contract.amount,
        currency=contract.currency,
        amount_cny=contract.amount_cny,
        department=contract.department,
        counterparty=contract.counterparty,
        owner=contract.owner,
        effective_date=start,
        expiry_date=add_term(contract.expiry_date, contract.renewal_term),
        auto_renew=contract.auto_renew,
        notice_days=contract.notice_days,
        renewal_term=contract.renewal_term,
        custom_fields=dict(contract.custom_fields or {}),
        description=contract.description,
        renewal_of_id=contract.id,
    )
    draft.tag_rows = [ContractTag(tag=t) for t in contract.tags]
    ctx.session.add(draft)
    ctx.session.flush()
    ctx.record_event(
        "renegotiation_started",
        comment=ctx.data.get("comment") or None,
        details={"draft_id": draft.id, "draft_number": draft.number},
    )
    return {"draft_id": draft.id, "draft_number": draft.number}


def schedule_termination(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Record the owner's termination (reason, effective date); return when it takes effect."""
    contract = _contract(ctx)
    reason = str(ctx.data.get("termination_reason") or "").strip()
    try:
        effective = date.fromisoformat(str(ctx.data.get("termination_date")))
    except ValueError:
        raise WorkflowStepError(f"{ctx.bpmn_id}: termination_date is not a date") from None
    if not reason:
        raise WorkflowStepError(f"{ctx.bpmn_id}: a termination needs a reason")
    ctx.record_event(
        "termination_scheduled",
        comment=reason,
        details={"effective_date": effective.isoformat(), "contract": contract.number},
    )
    return {"at": midnight(effective).isoformat(), "effective_date": effective.isoformat()}


def terminate(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """End the contract on its termination date."""
    contract = _contract(ctx)
    _move(ctx, contract, ContractStatus.TERMINATED)
    termination = ctx.data.get("termination") or {}
    ctx.record_event(
        "terminated",
        comment=ctx.data.get("termination_reason") or None,
        details={"effective_date": termination.get("effective_date")},
    )
    return {"status": str(contract.status)}


def expire(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Nobody renewed it: the contract is `expired`."""
    contract = _contract(ctx)
    _move(ctx, contract, ContractStatus.EXPIRED)
    ctx.record_event("expired", details={"expiry_date": str(contract.expiry_date)})
    return {"status": str(contract.status)}


def register_lifecycle_operators(
    registry: OperatorRegistry, messages: MessageSettings | None = None
) -> None:
    """Register the lifecycle process's operators; reminders are written with `messages`."""
    remind = partial(remind_expiry, settings=messages or MessageSettings())
    for name, func, description, parameters in (
        ("contracts/LifecycleDates", compute_dates, "Notice, reminder and expiry moments", {}),
        ("contracts/MarkExpiring", mark_expiring, "Open the notice window (status expiring)", {}),
        ("contracts/RemindExpiry", remind, "Remind owner and managers of expiry", {}),
        ("contracts/Renew", renew, "Extend by the renewal term", {"automatic": "bool"}),
        ("contracts/Renegotiate", renegotiate, "Draft a linked copy for a new approval", {}),
        ("contracts/ScheduleTermination", schedule_termination, "Record a termination", {}),
        ("contracts/Terminate", terminate, "Terminate the contract", {}),
        ("contracts/Expire", expire, "Mark the contract expired", {}),
    ):
        registry.register(name, func, description=description, parameters=parameters)
