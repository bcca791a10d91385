"""Contract lifecycle use cases: activate a signed contract, change the term of a running one.

Activation starts `contract_lifecycle` (processes/contract_lifecycle.bpmn),
which watches the expiry: notice window, reminders, the owner's renewal
decision, automatic renewal or expiry. A term change (new expiry date or
notice period) is delivered to the running instance as the `term_changed`
message, so its timers are recomputed in place: never a second instance.

Bad input, decided here:
- an expiry date that is not after today at activation is refused (422):
  activating an already lapsed contract would only expire it at once;
- a notice period longer than the term (effective date to expiry) is refused (422);
- a contract without an expiry date is activated without a lifecycle process
  (open-ended: there is nothing to watch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from contracts import audit
from contracts.core import freeze
from contracts.core import service as contracts
from contracts.core.models import Contract, ContractStatus
from contracts.core.service import get_contract, require_edit_version
from contracts.errors import ContractStateError, ValidationError
from contracts.identity import access
from contracts.identity.actor import Actor
from contracts.lifecycle.dates import DEFAULT_REMINDER_OFFSETS, parse_term
from engine import clock, runtime
from engine.environment import EngineEnvironment

LIFECYCLE_PROCESS = "contract_lifecycle"
RUNNING_STATUSES = (ContractStatus.ACTIVE, ContractStatus.EXPIRING)
TERM_FIELDS = frozenset({"expiry_date", "notice_days", "renewal_term"})


# Called at the end of every activation, in its transaction: other packages
# (connectors: CRM and finance for sales contracts) contribute one when the app is
# wired, so contracts/ never imports them.
ActivationListener = Callable[[Session, Contract, Actor], None]


@dataclass(frozen=True)
class LifecycleSettings:
    reminder_offsets: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS
    on_activated: tuple[ActivationListener, ...] = ()


def activate_contract(
    session: Session,
    contract_id: int,
    actor: Actor,
    settings: LifecycleSettings,
    env: EngineEnvironment,
) -> Contract:
    """Mark an approved (or out-for-signature) contract signed: `active`, lifecycle started."""
    contract = get_contract(session, contract_id, actor, audit_view=False)
    access.require_mark_signed(actor.user, contract)
    if contract.status not in (ContractStatus.APPROVED, ContractStatus.OUT_FOR_SIGNATURE):
        raise ContractStateError(
            f"contract {contract.number} is {contract.status}; only an approved contract "
            "can be marked signed",
            details={"status": str(contract.status)},
        )
    if contract.expiry_date is not None:
        validate_term(contract, contract.expiry_date, contract.notice_days)
    previous = contract.status
    contract.status = ContractStatus.ACTIVE
    contract.updated_at = clock.now()
    session.flush()
    if contract.expiry_date is not None:
        instance = runtime.start_instance(
            session,
            LIFECYCLE_PROCESS,
            business_key=contract.number,
            data={
                "contract_id": contract.id,
                "contract_number": contract.number,
                "owner": contract.owner.username,
                "reminder_offsets": list(settings.reminder_offsets),
            },
            actor=actor.username,
            env=env,
        )
        contract.process_instance_id = instance.id
        runtime.record_event(
            session,
            instance.id,
            "status_changed",
            actor=actor.username,
            comment="marked signed",
            details={"from": str(previous), "to": str(ContractStatus.ACTIVE)},
        )
    audit.record_on_contract(
        session,
        "contract.activate",
        actor,
        contract.id,
        {"process_instance_id": contract.process_instance_id},
    )
    session.flush()
    for on_activated in settings.on_activated:
        on_activated(session, contract, actor)
    return contract


def edit_contract(
    session: Session,
    contract_id: int,
    raw: Any,
    actor: Actor,
    env: EngineEnvironment,
    *,
    expected_version: int | None = None,
) -> Contract:
    """Apply an edit: to the term of a running contract (its timers follow), else to the draft.

    An active or expiring contract changes only its expiry date, notice days and renewal
    term (`change_term`); any other contract is updated as a whole (`update_contract`).
    """
    current = get_contract(session, contract_id, actor, audit_view=False)
    if current.status in RUNNING_STATUSES:
        return change_term(session, contract_id, raw, actor, env, expected_version=expected_version)
    return contracts.update_contract(
        session, contract_id, raw, actor, expected_version=expected_version
    )


def change_term(
    session: Session,
    contract_id: int,
    raw: Any,
    actor: Actor,
    env: EngineEnvironment,
    *,
    expected_version: int | None = None,
) -> Contract:
    """Change expiry date and/or notice days of a running contract; its timers follow."""
    contract = get_contract(session, contract_id, actor, audit_view=False)
    access.require_edit(actor.user, contract)
    require_edit_version(contract, expected_version)
    if contract.status not in RUNNING_STATUSES or contract.process_instance_id is None:
        raise ContractStateError(
            f"contract {contract.number} is {contract.status}; only an active or expiring "
            "contract has a term to change",
            details={"status": str(contract.status)},
        )
    if isinstance(raw, dict) and set(raw) - TERM_FIELDS:
        # Only the term runs with the lifecycle; the approved text changes by amendment.
        freeze.require_open(contract)
    expiry, notice_days, renewal_term = _parse_term_input(raw, contract)
    validate_term(contract, expiry, notice_days)
    old = {"expiry_date": str(contract.expiry_date), "notice_days": contract.notice_days}
    contract.expiry_date, contract.notice_days = expiry, notice_days
    contract.renewal_term = renewal_term
    contract.updated_at = clock.now()
    session.flush()
    instance_id = contract.process_instance_id
    if not runtime.deliver_message(
        session,
        instance_id,
        "term_changed",
        {"expiry_date": expiry.isoformat()},
        actor=actor.username,
        env=env,
    ):
        raise ContractStateError(
            f"contract {contract.number} is being renegotiated or terminated; "
            "its term can no longer change",
            details={"status": str(contract.status)},
        )
    if contract.status == ContractStatus.EXPIRING and _notice_start(expiry, notice_days) > _today():
        contract.status = ContractStatus.ACTIVE  # the notice window closed again
        runtime.record_event(
            session,
            instance_id,
            "status_changed",
            actor=actor.username,
            details={"from": str(ContractStatus.EXPIRING), "to": str(ContractStatus.ACTIVE)},
        )
    runtime.record_event(
        session,
        instance_id,
        "term_changed",
        actor=actor.username,
        details={
            "from": old,
            "to": {"expiry_date": expiry.isoformat(), "notice_days": notice_days},
        },
    )
    audit.record_on_contract(
        session,
        "contract.change_term",
        actor,
        contract.id,
        {"expiry_date": expiry.isoformat(), "notice_days": notice_days},
    )
    session.flush()
    return contract


def validate_term(contract: Contract, expiry: date, notice_days: int) -> None:
    """Refuse an expiry not after today and a notice period longer than the term (422)."""
    errors: dict[str, list[str]] = {}
    today = _today()
    if expiry <= today:
        errors["expiry_date"] = [f"must be after today ({today.isoformat()})"]
    start = contract.effective_date or today
    if expiry > start and notice_days > (expiry - start).days:
        errors["notice_days"] = [
            f"the notice period ({notice_days} days) is longer than the term "
            f"({start.isoformat()} to {expiry.isoformat()}, {(expiry - start).days} days)"
        ]
    if contract.effective_date and expiry <= contract.effective_date:
        errors["expiry_date"] = ["must be after the effective date"]
    if errors:
        raise ValidationError(errors, "the contract's term is not valid")


def _parse_term_input(raw: Any, contract: Contract) -> tuple[date, int, str]:
    if not isinstance(raw, dict) or not raw:
        raise ValidationError({"body": ["give expiry_date, notice_days and/or renewal_term"]})
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - TERM_FIELDS)
    for name in unknown:
        errors[name] = ["cannot be changed here"]
    expiry = _term_expiry(raw, contract.expiry_date, errors)
    notice_days = _term_notice_days(raw, contract.notice_days, errors)
    term = _term_renewal(raw, contract.renewal_term, errors)
    if expiry is None and "expiry_date" not in errors:
        errors["expiry_date"] = ["is required"]
    if errors:
        raise ValidationError(errors)
    assert expiry is not None
    return expiry, notice_days, term


def _term_expiry(
    raw: dict[str, Any], current: date | None, errors: dict[str, list[str]]
) -> date | None:
    if "expiry_date" not in raw:
        return current
    try:
        return date.fromisoformat(str(raw["expiry_date"]))
    except ValueError:
        errors["expiry_date"] = ["must be a date (YYYY-MM-DD)"]
        return current


def _term_notice_days(raw: dict[str, Any], current: int, errors: dict[str, list[str]]) -> int:
    if "notice_days" not in raw:
        return current
    value = raw["notice_days"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors["notice_days"] = ["must be a whole number of days, 0 or more"]
        return current
    return value


def _term_renewal(raw: dict[str, Any], current: str, errors: dict[str, list[str]]) -> str:
    if "renewal_term" not in raw:
        return current
    try:
        parse_term(str(raw["renewal_term"]))
    except ValueError as exc:
        errors["renewal_term"] = [str(exc)]
        return current
    return str(raw["renewal_term"])


def _notice_start(expiry: date, notice_days: int) -> date:
    return expiry - timedelta(days=notice_days)


def _today() -> date:
    return clock.now().date()
