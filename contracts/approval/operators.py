"""Service-task operators that act on contracts and their approvers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from contracts.core.facts import contract_facts, money_exact, money_number
from contracts.core.models import Contract, ContractStatus
from contracts.core.service import hold, set_status
from contracts.identity.models import Group, Membership, User
from contracts.notifications.links import task_path
from contracts.notifications.service import notify
from engine import runtime
from engine.errors import WorkflowStepError
from engine.models import HumanTask, HumanTaskStatus
from engine.operators import Operator, OperatorContext, OperatorRegistry

# A status change needs the contract's own row only; its type, department,
# counterparty, owner and tags would cost more to load than the whole change.
_OWN_ROW = (lazyload("*"),)


def _contract(ctx: OperatorContext, contract_id: Any = None, *, own_row: bool = False) -> Contract:
    contract_id = contract_id if contract_id is not None else ctx.data.get("contract_id")
    options = _OWN_ROW if own_row else ()
    contract = (
        ctx.session.get(Contract, contract_id, options=options) if contract_id is not None else None
    )
    if contract is None:
        raise WorkflowStepError(f"{ctx.bpmn_id}: contract {contract_id!r} does not exist")
    return hold(ctx.session, contract)


def load_contract(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return the contract's current routing facts for the process data."""
    read = contract_facts(_contract(ctx, params.get("contract_id")))
    return {
        "id": read.id,
        "number": read.number,
        "title": read.title,
        "contract_type": read.contract_type,
        "department": read.department,
        "amount": money_exact(read.amount),
        "currency": read.currency,
        "amount_cny": money_number(read.amount_cny),
        "owner": read.owner,
    }


def set_contract_status(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Move the contract to the status named in the `status` parameter."""
    try:
        status = ContractStatus(str(params.get("status")))
    except ValueError:
        raise WorkflowStepError(
            f"{ctx.bpmn_id}: '{params.get('status')}' is not a contract status",
            details={"known": [s.value for s in ContractStatus]},
        ) from None
    contract = _contract(ctx, params.get("contract_id"), own_row=True)
    previous = set_status(ctx.session, contract, status)
    ctx.record_event("status_changed", details={"from": str(previous), "to": str(status)})
    return {"status": str(status), "previous": str(previous)}


def _open_tasks(ctx: OperatorContext, bpmn_id: str) -> list[HumanTask]:
    return list(
        ctx.session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == ctx.instance.id,
                HumanTask.bpmn_id == bpmn_id,
                HumanTask.status == HumanTaskStatus.READY,
            )
        )
    )


def _people(ctx: OperatorContext, task: HumanTask) -> list[User]:
    if task.assignee:
        return list(ctx.session.scalars(select(User).where(User.username == task.assignee)))
    # DISTINCT over ids, not whole rows: PostgreSQL has no equality for the JSON `roles` column.
    candidate_ids = (
        select(User.id)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Group, Group.id == Membership.group_id)
        .where(User.username.in_(task.candidate_users) | Group.name.in_(task.candidate_groups))
    )
    return list(
        ctx.session.scalars(select(User).where(User.id.in_(candidate_ids)).order_by(User.id))
    )


def remind(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Remind whoever holds (or may claim) the open task `task` by in-app notification."""
    reminded: list[str] = []
    for task in _open_tasks(ctx, str(params.get("task"))):
        people = _people(ctx, task)
        notify(
            ctx.session,
            [person.id for person in people],
            kind="task_reminder",
            message=f"Reminder: '{task.name}' for {ctx.instance.business_key} is waiting for you.",
            link=task_path(task.id),
        )
        reminded += [person.username for person in people]
    ctx.record_event("reminded", details={"task": params.get("task"), "people": sorted(reminded)})
    return {"reminded": sorted(reminded)}


def escalate(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Add `group` as a candidate group of the open task `task` and tell its members."""
    group = str(params.get("group"))
    escalated = []
    for task in _open_tasks(ctx, str(params.get("task"))):
        assert ctx.env is not None, "operators run inside a step"
        runtime.add_candidate_group(ctx.session, task, group, ctx.env)
        escalated.append(task.id)
        members = ctx.session.scalars(
            select(User).join(Membership).join(Group).where(Group.name == group)
        )
        notify(
            ctx.session,
            [person.id for person in members],
            kind="task_escalated",
            message=f"Escalated to you: '{task.name}' for {ctx.instance.business_key} is overdue.",
            link=task_path(task.id),
        )
    ctx.record_event("escalated", details={"task": params.get("task"), "group": group})
    return {"escalated_tasks": escalated, "group": group}


_OPERATORS: tuple[tuple[str, Operator, str, dict[str, str]], ...] = (
    (
        "contracts/LoadContract",
        load_contract,
        "Load the contract's routing facts",
        {"contract_id": "int"},
    ),
    ("contracts/SetStatus", set_contract_status, "Set the contract's status", {"status": "str"}),
    ("tasks/Remind", remind, "Remind the people on an open user task", {"task": "str"}),
    (
        "tasks/Escalate",
        escalate,
        "Add a candidate group to an open user task",
        {"task": "str", "group": "str"},
    ),
)


def register_operators(registry: OperatorRegistry) -> None:
    """Register the approval process's contract operators (their bell rows link by path)."""
    for name, operator, description, parameters in _OPERATORS:
        registry.register(name, operator, description=description, parameters=parameters)
