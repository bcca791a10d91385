"""The installation at a glance, for administrators: people, contracts, processes, deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.core.models import Contract
from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from contracts.identity.models import Role, User
from engine.models import OutboxMessage, ProcessInstance


@dataclass(frozen=True)
class AdminOverview:
    active_users: int
    inactive_users: int
    contracts_by_status: dict[str, int]
    instances_by_status: dict[str, int]
    outbox_by_status: dict[str, int]


def require_admin(actor: Actor) -> None:
    if not actor.user.has_role(Role.ADMIN, Role.PROCESS_ADMIN):
        raise PermissionDeniedError("only administrators and process admins see the overview")


def admin_overview(session: Session, actor: Actor) -> AdminOverview:
    """Count what an administrator watches: users, contracts, instances and the outbox."""
    require_admin(actor)
    users = dict(session.execute(select(User.active, func.count()).group_by(User.active)).all())
    return AdminOverview(
        active_users=int(users.get(True, 0)),
        inactive_users=int(users.get(False, 0)),
        contracts_by_status=_by(session, Contract.status),
        instances_by_status=_by(session, ProcessInstance.status),
        outbox_by_status=_by(session, OutboxMessage.status),
    )


def _by(session: Session, column: object) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column)).all()  # type: ignore[call-overload]
    return {str(status): int(count) for status, count in rows}
