"""The approver's reads: list, count and open human tasks (actions are in `actions`).

The inbox lists and counts through `inbox_entry` (kept by `contracts.inbox.projection`), where
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

from contracts.approval.forms import FormLibrary
from contracts.core.models import Contract, ContractType
from contracts.core.service import contract_by_number
from contracts.errors import PermissionDeniedError
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
from engine.errors import NotFoundError
from engine.models import (
    HumanTask,
    ProcessInstance,
)

SCOPES = ("mine", "groups", "completed", "started")
SORTS = ("due", "-due", "created", "-created", "amount", "-amount")
SORT_COLUMNS = {
    "due": InboxEntry.due_at,
    "created": InboxEntry.created_at,
    "amount": InboxEntry.amount_cny,
}
DUE_WINDOWS = {"overdue": None, "today": timedelta(days=1), "week": timedelta(days=7)}
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


def contract_of(session: Session, task: HumanTask) -> Contract | None:
    """The contract a task is about (None for a process about no contract)."""
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
    return TaskView(task=task, contract=contract_of(session, task))


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


def form_for(task: HumanTask, forms: FormLibrary) -> dict[str, Any]:
    """Return the task's JSON Schema and UI schema."""
    try:
        return {
            "schema": forms.schema(task.form_schema),
            "ui_schema": forms.ui_schema(task.form_ui_schema),
        }
    except FileNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
