"""Expiring contracts: the "expiring soon" list and each user's iCalendar feed of expiry dates."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from contracts.core.models import Contract, ContractStatus
from contracts.errors import ValidationError
from contracts.identity import access
from contracts.identity.actor import Actor
from contracts.identity.models import Department, Role, User
from engine import clock

WINDOWS = (30, 60, 90)
WATCHED = (ContractStatus.ACTIVE, ContractStatus.EXPIRING)


@dataclass(frozen=True)
class ExpiringContract:
    contract: Contract
    notice_date: date
    days_left: int


def expiring_contracts(
    session: Session, actor: Actor, *, days: int = 30, department: str | None = None
) -> list[ExpiringContract]:
    """Return the running contracts the actor may see that expire within `days`, soonest first."""
    if days not in WINDOWS:
        raise ValidationError({"days": [f"must be one of {', '.join(map(str, WINDOWS))}"]})
    today = clock.now().date()
    query = select(Contract).where(
        access.visible_contracts(actor.user),
        Contract.status.in_([str(s) for s in WATCHED]),
        Contract.expiry_date >= today,
        Contract.expiry_date <= today + timedelta(days=days),
    )
    if department:
        query = query.join(Department, Department.id == Contract.department_id).where(
            Department.code == department
        )
    rows = session.scalars(query.order_by(Contract.expiry_date, Contract.id)).all()
    return [_expiring(c, today) for c in rows]


def feed_contracts(session: Session, user: User) -> list[Contract]:
    """Return the running contracts a user owns or manages (department manager), by expiry."""
    mine = Contract.owner_id == user.id
    if user.has_role(Role.DEPT_MANAGER) and user.department_id is not None:
        mine = or_(mine, Contract.department_id == user.department_id)
    return list(
        session.scalars(
            select(Contract)
            .where(
                and_(mine, Contract.status.in_([str(s) for s in WATCHED])),
                Contract.expiry_date.is_not(None),
            )
            .order_by(Contract.expiry_date, Contract.id)
        )
    )


def feed_token(user: User, secret: str) -> str:
    """Return the user's calendar token (creates the per-user key on first use; caller commits)."""
    if not user.calendar_key:
        user.calendar_key = secrets.token_hex(16)
    return f"{user.id}-{_signature(user, secret)}"


def rotate_feed_token(user: User, secret: str) -> str:
    """Revoke the old calendar URL and return a new token (caller commits)."""
    user.calendar_key = secrets.token_hex(16)
    return feed_token(user, secret)


def user_for_token(session: Session, token: str, secret: str) -> User | None:
    """Return the active user a calendar token belongs to, or None."""
    user_id, _, signature = token.partition("-")
    if not user_id.isdigit() or not signature:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or not user.calendar_key:
        return None
    return user if hmac.compare_digest(signature, _signature(user, secret)) else None


def _signature(user: User, secret: str) -> str:
    message = f"calendar:{user.id}:{user.calendar_key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def _expiring(contract: Contract, today: date) -> ExpiringContract:
    assert contract.expiry_date is not None
    return ExpiringContract(
        contract=contract,
        notice_date=contract.expiry_date - timedelta(days=contract.notice_days),
        days_left=(contract.expiry_date - today).days,
    )
