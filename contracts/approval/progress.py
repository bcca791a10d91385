"""Where a contract in review waits: the step now, who can act on it, and the route after it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.core.models import Contract, ContractStatus
from contracts.identity.models import Department, Group, Membership, User
from engine import runtime
from engine.models import HumanTask, HumanTaskStatus

# The approval process keeps its route in these variables (processes/contract_approval.bpmn):
# `approvers` is the routing table's answer, `approval_index` the approver being asked now.
ROUTE_VARIABLE = "approvers"
POSITION_VARIABLE = "approval_index"
MANAGER_ROLE = "dept_manager"


@dataclass(frozen=True)
class Stage:
    """One step of the route: a role (and department, for managers) and who fills it."""

    role: str
    department: str | None = None  # the department's name, for a manager group
    assignee: str | None = None
    people: list[str] = field(default_factory=list)  # usernames who may act


@dataclass(frozen=True)
class ApprovalProgress:
    waiting: list[Stage]  # the steps open now
    then: list[Stage]  # the rest of the route, in order
    revision: bool = False  # waiting for the drafter to revise a rejected contract


def approval_progress(session: Session, contract: Contract) -> ApprovalProgress | None:
    """Return what a contract in review (or back for revision) waits for; None otherwise."""
    if contract.status not in (ContractStatus.IN_REVIEW, ContractStatus.REJECTED):
        return None
    if contract.process_instance_id is None:
        return None
    tasks = open_tasks(session, [contract.process_instance_id]).get(
        contract.process_instance_id, []
    )
    groups: list[str | None] = [_group_of(task) for task in tasks]
    stages = _stages(session, groups, [_holder(t) for t in tasks])
    then: list[Stage] = []
    if contract.status == ContractStatus.IN_REVIEW:
        data = runtime.instance_data(session, contract.process_instance_id)
        remaining = _remaining_roles(data)
        manager_group = contract.department.manager_group
        route: list[str | None] = [
            manager_group if role == MANAGER_ROLE else role for role in remaining
        ]
        then = _stages(session, route, [None] * len(route))
    revision = contract.status == ContractStatus.REJECTED
    return ApprovalProgress(waiting=stages, then=then, revision=revision)


def waiting_for(session: Session, contracts: Iterable[Contract]) -> dict[int, list[Stage]]:
    """For a page of contracts: contract id -> the open steps of its approval (no route)."""
    by_instance = {c.process_instance_id: c.id for c in contracts if c.process_instance_id}
    if not by_instance:
        return {}
    found = open_tasks(session, list(by_instance))
    groups = [_group_of(task) for tasks in found.values() for task in tasks]
    members = _members(session, [g for g in groups if g])
    departments = _department_names(session, [g for g in groups if g])
    return {
        by_instance[instance_id]: [
            _stage_from_group(_group_of(task), _holder(task), members, departments)
            for task in tasks
        ]
        for instance_id, tasks in found.items()
    }


def open_tasks(session: Session, instance_ids: list[int]) -> dict[int, list[HumanTask]]:
    """The ready human tasks of some instances, by instance id, oldest first."""
    rows = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id.in_(instance_ids), HumanTask.status == HumanTaskStatus.READY)
        .options(selectinload(HumanTask.candidates))
        .order_by(HumanTask.id)
    )
    found: dict[int, list[HumanTask]] = defaultdict(list)
    for task in rows:
        found[task.instance_id].append(task)
    return found


def _holder(task: HumanTask) -> str | None:
    """Who holds the task: its assignee, or the one user it is offered to (a revision)."""
    if task.assignee:
        return task.assignee
    users = task.candidate_users
    return users[0] if len(users) == 1 and not task.candidate_groups else None


def _group_of(task: HumanTask) -> str | None:
    groups = task.candidate_groups
    return groups[0] if groups else None


def _remaining_roles(data: dict[str, Any]) -> list[str]:
    route = data.get(ROUTE_VARIABLE)
    position = data.get(POSITION_VARIABLE)
    if not isinstance(route, list) or not isinstance(position, int):
        return []  # a process admin's own process: only the open steps are known
    roles = [r.get("role") if isinstance(r, dict) else r for r in route[position + 1 :]]
    return [str(role) for role in roles if role]


def _stages(session: Session, groups: list[str | None], assignees: list[str | None]) -> list[Stage]:
    names = [g for g in groups if g]
    members = _members(session, names)
    departments = _department_names(session, names)
    return [
        _stage_from_group(group, assignee, members, departments)
        for group, assignee in zip(groups, assignees, strict=True)
    ]


def _stage_from_group(
    group: str | None,
    assignee: str | None,
    members: dict[str, list[str]],
    departments: dict[str, str],
) -> Stage:
    if group is None:
        return Stage(role="", assignee=assignee, people=[assignee] if assignee else [])
    role, _, code = group.partition(":")
    return Stage(
        role=role,
        department=departments.get(code, code) if code else None,
        assignee=assignee,
        people=[assignee] if assignee else members.get(group, []),
    )


def _members(session: Session, groups: list[str]) -> dict[str, list[str]]:
    if not groups:
        return {}
    rows = session.execute(
        select(Group.name, User.username)
        .join(Membership, Membership.group_id == Group.id)
        .join(User, User.id == Membership.user_id)
        .where(Group.name.in_(groups), User.active.is_(True))
        .order_by(User.username)
    )
    found: dict[str, list[str]] = defaultdict(list)
    for group, username in rows:
        found[group].append(username)
    return found


def _department_names(session: Session, groups: list[str]) -> dict[str, str]:
    codes = {g.partition(":")[2] for g in groups if ":" in g}
    if not codes:
        return {}
    rows = session.execute(
        select(Department.code, Department.name).where(Department.code.in_(codes))
    )
    return {code: name for code, name in rows}
