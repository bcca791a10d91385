"""What a person sees first: tasks waiting for them, their own contracts, what expires soon."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.approval import progress as approval_progress
from contracts.core.models import Contract, ContractStatus
from contracts.identity import access
from contracts.identity.actor import Actor
from contracts.identity.models import Role
from contracts.inbox import queries
from contracts.lifecycle import calendar

# A contract is "mine, still moving" until it is running or closed.
OPEN_STATUSES = (
    ContractStatus.DRAFT,
    ContractStatus.IN_REVIEW,
    ContractStatus.REJECTED,
    ContractStatus.APPROVED,
    ContractStatus.OUT_FOR_SIGNATURE,
)
SHOWN = 8  # rows per section; each section links to its full list
EXPIRING_DAYS = 60


@dataclass(frozen=True)
class Home:
    tasks: list[queries.TaskView]
    task_count: int
    my_contracts: list[Contract]
    waiting: dict[int, list[approval_progress.Stage]]
    expiring: list[calendar.ExpiringContract]
    may_draft: bool
    is_admin: bool


def home_for(session: Session, actor: Actor) -> Home:
    """Gather the home page of one user (every section scoped to what they may see)."""
    filters = queries.TaskFilters(per_page=SHOWN)
    tasks, task_count = queries.list_tasks(session, filters, actor)
    mine = list(
        session.scalars(
            select(Contract)
            .where(
                Contract.owner_id == actor.user.id,
                Contract.status.in_([str(s) for s in OPEN_STATUSES]),
                access.visible_contracts(actor.user),
            )
            .order_by(Contract.updated_at.desc(), Contract.id.desc())
            .limit(SHOWN)
        )
    )
    expiring = calendar.expiring_contracts(session, actor, days=EXPIRING_DAYS)[:SHOWN]
    return Home(
        tasks=tasks,
        task_count=task_count,
        my_contracts=mine,
        waiting=approval_progress.waiting_for(session, mine),
        expiring=expiring,
        may_draft=actor.user.has_role(Role.EDITOR, Role.DEPT_MANAGER, Role.ADMIN),
        is_admin=actor.user.has_role(Role.ADMIN, Role.PROCESS_ADMIN),
    )
