"""The approver's side: list, open, claim and complete human tasks on contracts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.actor import Actor
from contracts.errors import PermissionDeniedError
from contracts.forms import FormLibrary
from contracts.models import Contract, ContractType, Department
from engine import clock, runtime
from engine.errors import ConflictError, NotFoundError
from engine.models import HumanTask, HumanTaskCandidate, HumanTaskStatus, ProcessInstance

# How a task's submitted data reads in the timeline.
DECISION_ACTIONS = {"approve": "approved", "reject": "rejected"}
REVISION_ACTIONS = {"resubmit": "resubmitted", "withdraw": "withdrawn"}


@dataclass
class TaskFilters:
    scope: str | None = None  # "mine", "groups" or None for both
    contract_type: str | None = None
    department: str | None = None
    overdue: bool | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class TaskView:
    """A human task with the contract it is about."""

    task: HumanTask
    contract: Contract | None


def _candidate_clause(actor: Actor) -> Any:
    return exists(
        select(HumanTaskCandidate.id).where(
            HumanTaskCandidate.task_id == HumanTask.id,
            or_(
                HumanTaskCandidate.username == actor.username,
                HumanTaskCandidate.group_name.in_(actor.user.group_names),
            ),
        )
    )


def _base_query(actor: Actor, filters: TaskFilters) -> Select[HumanTask, Contract]:
    mine = HumanTask.assignee == actor.username
    claimable = and_(HumanTask.assignee.is_(None), _candidate_clause(actor))
    scope = {"mine": mine, "groups": claimable}.get(filters.scope or "", or_(mine, claimable))
    query = (
        select(HumanTask, Contract)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(Contract, Contract.number == ProcessInstance.business_key)
        .where(HumanTask.status == HumanTaskStatus.READY, scope)
    )
    if filters.contract_type:
        query = query.join(ContractType, ContractType.id == Contract.contract_type_id).where(
            ContractType.code == filters.contract_type
        )
    if filters.department:
        query = query.join(Department, Department.id == Contract.department_id).where(
            Department.code == filters.department
        )
    if filters.overdue is True:
        query = query.where(HumanTask.due_at < clock.now())
    elif filters.overdue is False:
        query = query.where(or_(HumanTask.due_at.is_(None), HumanTask.due_at >= clock.now()))
    return query


def list_tasks(session: Session, filters: TaskFilters, actor: Actor) -> tuple[list[TaskView], int]:
    """Return one page of ready tasks the actor may act on, oldest due first, and the total."""
    query = _base_query(actor, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    ).all()
    return [TaskView(task=t, contract=c) for t, c in rows], total


def _contract_of(session: Session, task: HumanTask) -> Contract | None:
    return session.scalars(
        select(Contract).where(Contract.number == task.instance.business_key)
    ).first()


def is_candidate(task: HumanTask, actor: Actor) -> bool:
    """True when the actor holds the task or may claim it."""
    if task.assignee == actor.username:
        return True
    return actor.username in task.candidate_users or bool(
        set(task.candidate_groups) & set(actor.user.group_names)
    )


def get_task(session: Session, task_id: int, actor: Actor) -> TaskView:
    """Return a task the actor may act on (or has completed), with its contract."""
    task = runtime.get_human_task(session, task_id)
    if not (is_candidate(task, actor) or task.completed_by == actor.username):
        raise PermissionDeniedError(f"task {task_id} is not yours")
    return TaskView(task=task, contract=_contract_of(session, task))


def claim_task(session: Session, task_id: int, actor: Actor) -> TaskView:
    """Assign a task to the actor; 409 when someone else holds it."""
    view = get_task(session, task_id, actor)
    runtime.claim_task(session, task_id, actor.username)
    audit.record(
        session,
        "task.claim",
        actor=actor.username,
        object_type="task",
        object_id=task_id,
        ip=actor.ip,
    )
    return view


def unclaim_task(session: Session, task_id: int, actor: Actor) -> TaskView:
    """Give a claimed task back to its groups."""
    view = get_task(session, task_id, actor)
    runtime.unclaim_task(session, task_id, actor.username)
    audit.record(
        session,
        "task.unclaim",
        actor=actor.username,
        object_type="task",
        object_id=task_id,
        ip=actor.ip,
    )
    return view


def complete_task(
    session: Session, task_id: int, data: Any, actor: Actor, forms: FormLibrary
) -> TaskView:
    """Validate the form data and complete the task; the workflow runs to its next wait."""
    task = runtime.get_human_task(session, task_id)
    if not is_candidate(task, actor):
        raise PermissionDeniedError(f"you are not a candidate for task {task_id}")
    if task.status != HumanTaskStatus.READY:
        raise ConflictError(
            f"task {task_id} is {task.status}, no longer ready",
            details={"status": str(task.status)},
        )
    if task.assignee not in (None, actor.username):
        raise ConflictError(
            f"task {task_id} is claimed by {task.assignee}", details={"assignee": task.assignee}
        )
    clean = forms.validate(task.form_schema, data)
    decision = clean.get("decision") or clean.get("action")
    action = DECISION_ACTIONS.get(
        str(clean.get("decision")), REVISION_ACTIONS.get(str(clean.get("action")), "task_completed")
    )
    comment = clean.get("comment") or None
    runtime.complete_task(
        session,
        task_id,
        clean,
        actor=actor.username,
        action=action,
        decision=decision,
        comment=comment,
    )
    audit.record(
        session,
        "task.complete",
        actor=actor.username,
        object_type="task",
        object_id=task_id,
        ip=actor.ip,
        details={"decision": decision},
    )
    # The step flushed and the operators changed the contract through this
    # session, so the identity map already holds its current row: no refresh.
    contract = _contract_of(session, task)
    return TaskView(task=task, contract=contract)


def form_for(task: HumanTask, forms: FormLibrary) -> dict[str, Any]:
    """Return the task's JSON Schema and UI schema."""
    try:
        return {
            "schema": forms.schema(task.form_schema),
            "ui_schema": forms.ui_schema(task.form_ui_schema),
        }
    except FileNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
