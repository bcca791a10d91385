"""The approver's side: list, open, claim, delegate, comment on and complete human tasks.

The inbox lists and counts through `inbox_entry` (kept by `contracts.inbox_entries`), where
each tab ("scope") is a range of one index, `(audience, state, sort column)`:

- `mine`      ready tasks assigned to the actor (the holder entry "h:<me>", held)
- `groups`    ready, unclaimed tasks of the actor's candidate groups or naming the actor
              (candidate entries "g:<group>" / "u:<me>", open)
- `completed` tasks the actor completed (the holder entry "h:<me>", done)
- `started`   ready tasks of processes the actor started ("s:<me>", open or held)
- None        `mine` and `groups` together (the API's default)

Only the page's task ids come from the entries; their rows and contracts are loaded after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, distinct, func, or_, select, union_all
from sqlalchemy.orm import Session, lazyload

from contracts import audit
from contracts.approval.forms import FormLibrary
from contracts.core.models import Contract, ContractType
from contracts.core.service import contract_by_number
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity.actor import Actor
from contracts.identity.models import Department, Group, Membership, User
from contracts.inbox.models import InboxEntry
from contracts.inbox.projection import (
    DONE,
    HELD,
    OPEN,
    SEPARATOR,
    group_audience,
    holder_audience,
    starter_audience,
    user_audience,
)
from engine import clock, runtime
from engine.environment import EngineEnvironment
from engine.errors import ConflictError, NotFoundError
from engine.models import (
    HumanTask,
    HumanTaskStatus,
    InstanceEvent,
    ProcessInstance,
)

# How a task's submitted data reads in the timeline.
DECISION_ACTIONS = {"approve": "approved", "reject": "rejected"}
REVISION_ACTIONS = {"resubmit": "resubmitted", "withdraw": "withdrawn"}

SCOPES = ("mine", "groups", "completed", "started")
SORTS = ("due", "-due", "created", "-created", "amount", "-amount")
SORT_COLUMNS = {
    "due": InboxEntry.due_at,
    "created": InboxEntry.created_at,
    "amount": InboxEntry.amount_cny,
}
DUE_WINDOWS = {"overdue": None, "today": timedelta(days=1), "week": timedelta(days=7)}
MAX_COMMENT = 4000
MAX_SEARCH = 100


@dataclass
class TaskFilters:
    scope: str | None = None  # one of SCOPES, or None for "mine" and "groups"
    contract_type: str | None = None
    department: str | None = None
    overdue: bool | None = None
    due: str | None = None  # "overdue", "today" (due within 24 h) or "week"
    q: str | None = None  # contract number, title or counterparty
    amount_min: Decimal | None = None  # in CNY
    amount_max: Decimal | None = None
    sort: str = "due"  # one of SORTS; "-" sorts descending
    page: int = 1
    per_page: int = 20


@dataclass
class TaskView:
    """A human task with the contract it is about."""

    task: HumanTask
    contract: Contract | None


@dataclass
class _Part:
    where: Any  # entries in one range of the index: (audience, state)
    repeats: bool = False  # a task may have two entries in it (two of the actor's groups)


def _tab(actor: Actor, scope: str | None) -> list[_Part]:
    """The tab as disjoint parts, each one index range (so no OR the planner must untangle)."""
    holder = InboxEntry.audience == holder_audience(actor.username)
    audiences = [group_audience(g) for g in actor.user.group_names]
    audiences.append(user_audience(actor.username))
    claimable = _Part(
        and_(InboxEntry.audience.in_(audiences), InboxEntry.state == OPEN),
        repeats=len(audiences) > 1,
    )
    mine = _Part(and_(holder, InboxEntry.state == HELD))  # held, so never also claimable
    if scope == "mine":
        return [mine]
    if scope == "groups":
        return [claimable]
    if scope == "completed":
        return [_Part(and_(holder, InboxEntry.state == DONE))]
    if scope == "started":
        started = InboxEntry.audience == starter_audience(actor.username)
        return [_Part(and_(started, InboxEntry.state.in_((OPEN, HELD))))]
    return [mine, claimable]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _narrowed(filters: TaskFilters) -> list[Any]:
    """The filters as conditions on the entries (all columns of the entries' index)."""
    conditions: list[Any] = []
    if filters.contract_type:
        code = ContractType.code == filters.contract_type
        conditions.append(
            InboxEntry.contract_type_id == select(ContractType.id).where(code).scalar_subquery()
        )
    if filters.department:
        code = Department.code == filters.department
        conditions.append(
            InboxEntry.department_id == select(Department.id).where(code).scalar_subquery()
        )
    if filters.amount_min is not None:
        conditions.append(InboxEntry.amount_cny >= filters.amount_min)
    if filters.amount_max is not None:
        conditions.append(InboxEntry.amount_cny <= filters.amount_max)
    query = (filters.q or "").replace(SEPARATOR, "").strip()
    if query:  # contract number, title or counterparty, as `ilike` would find them
        pattern = func.lower(_like(query[:MAX_SEARCH]))
        conditions.append(InboxEntry.search.like(pattern, escape="\\"))
    now = clock.now()
    if filters.overdue is True or filters.due == "overdue":
        conditions.append(InboxEntry.due_at < now)
    elif filters.overdue is False:
        conditions.append(or_(InboxEntry.due_at.is_(None), InboxEntry.due_at >= now))
    window = DUE_WINDOWS.get(filters.due or "")
    if window is not None:
        conditions.append(InboxEntry.due_at >= now)
        conditions.append(InboxEntry.due_at < now + window)
    return conditions


def _count(actor: Actor, filters: TaskFilters, scope: str | None) -> Any:
    """A tab's size as an SQL expression: the sum of its parts' index-only counts."""
    narrowed = _narrowed(filters)
    counts = [
        select(func.count(distinct(InboxEntry.task_id)) if part.repeats else func.count())
        .where(part.where, *narrowed)
        .scalar_subquery()
        for part in _tab(actor, scope)
    ]
    return sum(counts[1:], counts[0])


def _ordered_ids(actor: Actor, filters: TaskFilters) -> tuple[Select[int, Any], bool]:
    """The tab's task ids in the filters' order (each part walks its own index range)."""
    parts = _tab(actor, filters.scope)
    narrowed = _narrowed(filters)
    column = SORT_COLUMNS.get(filters.sort.lstrip("-"), InboxEntry.due_at)
    selects = [select(InboxEntry.task_id, column).where(p.where, *narrowed) for p in parts]
    key: Any
    task_id: Any
    if len(selects) == 1:
        query, key, task_id = selects[0], column, InboxEntry.task_id
    else:
        rows = union_all(*selects).subquery()
        query, key, task_id = (
            select(rows.c.task_id, rows.c[column.key]),
            rows.c[column.key],
            rows.c.task_id,
        )
    # Tasks without a due date (or contract) sort where the database puts NULLs.
    if filters.sort.startswith("-"):
        query = query.order_by(key.desc(), task_id.desc())
    else:
        query = query.order_by(key, task_id)
    return query, any(p.repeats for p in parts)


def _page_ids(session: Session, actor: Actor, filters: TaskFilters) -> list[int]:
    query, repeats = _ordered_ids(actor, filters)
    start = (filters.page - 1) * filters.per_page
    end = start + filters.per_page
    if not repeats:
        return list(session.scalars(query.limit(filters.per_page).offset(start)))
    # A task reached through two of the actor's groups has two entries, side by side in
    # this order (same key, same id): read from the top, keep each task once.
    wanted = end
    while True:
        rows = list(session.scalars(query.limit(wanted)))
        ids = list(dict.fromkeys(rows))
        if len(ids) >= end or len(rows) < wanted:
            return ids[start:end]
        wanted *= 2


def list_tasks(session: Session, filters: TaskFilters, actor: Actor) -> tuple[list[TaskView], int]:
    """Return one page of the tasks in the filters' tab, sorted, and the tab's total."""
    return page_of_tasks(session, filters, actor), count_tasks(session, filters, actor)


def page_of_tasks(session: Session, filters: TaskFilters, actor: Actor) -> list[TaskView]:
    """One page of the tasks in the filters' tab, sorted (the inbox query)."""
    ids = _page_ids(session, actor, filters)
    if not ids:
        return []
    rows = session.execute(
        select(HumanTask, Contract)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(Contract, Contract.number == ProcessInstance.business_key)
        .where(HumanTask.id.in_(ids))
        # A list shows neither tags nor owner: loaded only if something asks for them.
        .options(lazyload(Contract.tag_rows), lazyload(Contract.owner))
    ).all()
    found = {task.id: TaskView(task=task, contract=contract) for task, contract in rows}
    return [found[i] for i in ids if i in found]


def count_tasks(
    session: Session, filters: TaskFilters, actor: Actor, scope: str | None = ""
) -> int:
    """How many tasks the filters' tab (or another `scope`) holds."""
    chosen = filters.scope if scope == "" else scope
    return int(session.scalar(select(_count(actor, filters, chosen))) or 0)


def tab_counts(session: Session, filters: TaskFilters, actor: Actor) -> dict[str, int]:
    """How many tasks each tab holds under the same filters (one statement)."""
    row = session.execute(select(*(_count(actor, filters, s) for s in SCOPES))).one()
    return {scope: int(n or 0) for scope, n in zip(SCOPES, row, strict=True)}


def _contract_of(session: Session, task: HumanTask) -> Contract | None:
    return contract_by_number(session, task.instance.business_key)


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


def _audit(session: Session, action: str, actor: Actor, task_id: int, **details: Any) -> None:
    audit.record(
        session,
        action,
        actor=actor.username,
        object_type="task",
        object_id=task_id,
        ip=actor.ip,
        details=details or None,
    )


def claim_task(session: Session, task_id: int, actor: Actor) -> TaskView:
    """Assign a task to the actor; 409 when someone else holds it."""
    view = get_task(session, task_id, actor)
    runtime.claim_task(session, task_id, actor.username)
    _audit(session, "task.claim", actor, task_id)
    return view


def unclaim_task(session: Session, task_id: int, actor: Actor) -> TaskView:
    """Give a claimed task back to its groups."""
    view = get_task(session, task_id, actor)
    runtime.unclaim_task(session, task_id, actor.username)
    _audit(session, "task.unclaim", actor, task_id)
    return view


def _actionable(session: Session, task_id: int, actor: Actor) -> HumanTask:
    """The ready task, if the actor may act on it now (a candidate, not held by another)."""
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
    return task


def _clean_text(value: Any, field: str, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: ["must not be empty"]})
        return None
    if not isinstance(value, str):
        raise ValidationError({field: ["must be text"]})
    if len(value) > MAX_COMMENT:
        raise ValidationError({field: [f"must be at most {MAX_COMMENT} characters"]})
    return value.strip()


def _history(
    session: Session, task: HumanTask, actor: Actor, action: str, **fields: Any
) -> InstanceEvent:
    event = InstanceEvent(
        instance_id=task.instance_id,
        at=clock.now(),
        actor=actor.username,
        action=action,
        bpmn_id=task.bpmn_id,
        task_name=task.name,
        human_task_id=task.id,
        **fields,
    )
    session.add(event)
    return event


def may_take(session: Session, task: HumanTask, username: str) -> User | None:
    """The active user of that name if they are a candidate of the task (user or group)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active:
        return None
    if username in task.candidate_users or username == task.assignee:
        return user
    in_group = session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(Group, Group.id == Membership.group_id)
        .where(Membership.user_id == user.id, Group.name.in_(task.candidate_groups))
    )
    return user if in_group else None


def delegate_task(session: Session, task_id: int, to: Any, note: Any, actor: Actor) -> TaskView:
    """Assign the task to another candidate with a note; recorded as "delegated"."""
    task = _actionable(session, task_id, actor)
    if not isinstance(to, str) or not to.strip():
        raise ValidationError({"to": ["must name a user"]})
    clean_note = _clean_text(note, "note", required=False)
    target = may_take(session, task, to.strip())
    if target is None:
        raise ValidationError({"to": [f"{to.strip()[:80]} may not take this task"]})
    if target.username == actor.username:
        raise ValidationError({"to": ["you cannot delegate a task to yourself"]})
    previous = task.assignee
    task.assignee = target.username
    _history(
        session,
        task,
        actor,
        "delegated",
        comment=clean_note,
        details={"to": target.username, "from": previous},
    )
    _audit(session, "task.delegate", actor, task_id, to=target.username)
    from contracts.notifications import (
        service as notifications,  # the listener module also imports this one
    )

    notifications.notify_delegated(session, task, target, actor.username, clean_note)
    session.flush()
    return TaskView(task=task, contract=_contract_of(session, task))


def comment_on_task(session: Session, task_id: int, comment: Any, actor: Actor) -> TaskView:
    """Add a comment to the task's history without completing it."""
    view = get_task(session, task_id, actor)
    if view.task.status != HumanTaskStatus.READY:
        raise ConflictError(f"task {task_id} is {view.task.status}, no longer ready")
    text = _clean_text(comment, "comment", required=True)
    _history(session, view.task, actor, "commented", comment=text)
    _audit(session, "task.comment", actor, task_id)
    session.flush()
    return view


def complete_task(
    session: Session,
    task_id: int,
    data: Any,
    actor: Actor,
    forms: FormLibrary,
    env: EngineEnvironment,
) -> TaskView:
    """Validate the form data and complete the task; the workflow runs to its next wait."""
    task = _actionable(session, task_id, actor)
    clean = forms.validate(task.form_schema, data)
    # Loaded before the step, so the step's operators and listeners find it in the
    # session; they change it through the session, so it is current afterwards.
    contract = _contract_of(session, task)
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
        env=env,
    )
    _audit(session, "task.complete", actor, task_id, decision=decision)
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
