"""Keep `inbox_entry` (see contracts.models.inbox_entry) in step with the engine's tasks.

The engine knows nothing of it: a session `after_flush` listener looks at what the flush
wrote and mirrors it with at most three Core statements, each an INSERT/UPDATE that reads
the engine's rows in the database (no SELECT round trip, no ORM objects):

- new human tasks (a step readied them): their entries, one INSERT ... SELECT;
- new candidates of existing tasks (an escalation): their entries;
- tasks whose status, assignee, completer or due date changed (claim, unclaim, delegate,
  complete, cancel): their entries' state, holder and due date, one UPDATE ... FROM;
- contracts whose amount, type, department, title or counterparty changed: their
  entries' copies.

`rebuild` fills the table from scratch (bulk-loaded databases, e.g. the benchmark).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from contracts.core.models import Contract, Counterparty
from contracts.inbox.models import InboxEntry
from engine.db import table_of
from engine.environment import EngineEnvironment
from engine.models import HumanTask, HumanTaskCandidate, HumanTaskStatus, ProcessInstance

ENTRY = table_of(InboxEntry)
TASK = table_of(HumanTask)
CANDIDATE = table_of(HumanTaskCandidate)
INSTANCE = table_of(ProcessInstance)
CONTRACT = table_of(Contract)

# Entry states: what the tabs ask for.
OPEN, HELD, DONE, GONE = "open", "held", "done", "gone"
READY, COMPLETED = HumanTaskStatus.READY.value, HumanTaskStatus.COMPLETED.value


def group_audience(group: str) -> str:
    return f"g:{group}"


def user_audience(username: str) -> str:
    return f"u:{username}"


def holder_audience(username: str) -> str:
    return f"h:{username}"


def starter_audience(username: str) -> str:
    return f"s:{username}"


_STATE = case(
    (and_(TASK.c.status == READY, TASK.c.assignee.is_(None)), OPEN),
    (TASK.c.status == READY, HELD),
    (TASK.c.status == COMPLETED, DONE),
    else_=GONE,
)
# Who holds a ready task, or completed a finished one (NULL: nobody).
_HOLDER = case(
    (TASK.c.status == COMPLETED, literal("h:") + TASK.c.completed_by),
    (TASK.c.status == READY, literal("h:") + TASK.c.assignee),
    else_=null(),
)
_CANDIDATE = case(
    (CANDIDATE.c.group_name.is_not(None), literal("g:") + CANDIDATE.c.group_name),
    else_=literal("u:") + CANDIDATE.c.username,
)
# What the inbox's search looks in, lowercased as the database lowercases (`ilike`); the
# unit separator keeps a pattern from matching across two fields.
SEPARATOR = "\x1f"
COUNTERPARTY = table_of(Counterparty)
_SEARCH = func.lower(
    CONTRACT.c.number
    + SEPARATOR
    + CONTRACT.c.title
    + SEPARATOR
    + func.coalesce(
        select(COUNTERPARTY.c.name)
        .where(COUNTERPARTY.c.id == CONTRACT.c.counterparty_id)
        .scalar_subquery(),
        "",
    )
)
_COLUMNS = (
    "task_id",
    "kind",
    "audience",
    "state",
    "created_at",
    "due_at",
    "contract_id",
    "amount_cny",
    "contract_type_id",
    "department_id",
    "search",
)
_TASK_AND_CONTRACT = TASK.join(INSTANCE, INSTANCE.c.id == TASK.c.instance_id).outerjoin(
    CONTRACT, CONTRACT.c.number == INSTANCE.c.business_key
)


def _entries(kind: str, audience: Any) -> Select[Any]:
    return select(
        TASK.c.id,
        literal(kind),
        audience,
        _STATE,
        TASK.c.created_at,
        TASK.c.due_at,
        CONTRACT.c.id,
        CONTRACT.c.amount_cny,
        CONTRACT.c.contract_type_id,
        CONTRACT.c.department_id,
        _SEARCH,
    ).select_from(_TASK_AND_CONTRACT)


def _candidate_entries() -> Select[Any]:
    return _entries("c", _CANDIDATE).join(CANDIDATE, CANDIDATE.c.task_id == TASK.c.id)


def _holder_entries() -> Select[Any]:
    return _entries("h", _HOLDER)


def _starter_entries() -> Select[Any]:
    return _entries("s", literal("s:") + INSTANCE.c.started_by)


# One id a parameter set (executemany): no expanding IN to re-render at each execution.
_TASK_ID: Any = bindparam("one_task")
_INSERT_TASKS = insert(ENTRY).from_select(
    _COLUMNS,
    union_all(
        _candidate_entries().where(TASK.c.id == _TASK_ID),
        _holder_entries().where(TASK.c.id == _TASK_ID),
        _starter_entries().where(TASK.c.id == _TASK_ID),
    ),
)
_INSERT_CANDIDATES = insert(ENTRY).from_select(
    _COLUMNS,
    _candidate_entries().where(CANDIDATE.c.id == bindparam("one_candidate")),
)
_SYNC_TASKS = (
    update(ENTRY)
    .where(ENTRY.c.task_id == TASK.c.id, TASK.c.id == _TASK_ID)
    .values(
        state=_STATE,
        audience=case((ENTRY.c.kind == "h", _HOLDER), else_=ENTRY.c.audience),
        due_at=TASK.c.due_at,
    )
)
_SYNC_CONTRACTS = (
    update(ENTRY)
    .where(
        ENTRY.c.contract_id == CONTRACT.c.id,
        CONTRACT.c.id == bindparam("one_contract"),
    )
    .values(
        amount_cny=CONTRACT.c.amount_cny,
        contract_type_id=CONTRACT.c.contract_type_id,
        department_id=CONTRACT.c.department_id,
        search=_SEARCH,
    )
)
_TASK_FIELDS = ("status", "assignee", "completed_by", "due_at")
_CONTRACT_FIELDS = (
    "amount_cny",
    "contract_type_id",
    "department_id",
    "title",
    "counterparty_id",
)


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def after_flush(session: Session, _context: Any) -> None:
    """Mirror what this flush wrote to the engine's task rows (and contracts)."""
    new_tasks: list[int] = []
    new_candidates: list[HumanTaskCandidate] = []
    for obj in session.new:
        if isinstance(obj, HumanTask):
            new_tasks.append(obj.id)
        elif isinstance(obj, HumanTaskCandidate):
            new_candidates.append(obj)
    changed: list[int] = []
    contracts: list[int] = []
    for obj in session.dirty:
        if isinstance(obj, HumanTask) and _changed(obj, _TASK_FIELDS):
            changed.append(obj.id)
        elif isinstance(obj, Contract) and _changed(obj, _CONTRACT_FIELDS):
            contracts.append(obj.id)
    if not (new_tasks or new_candidates or changed or contracts):
        return
    connection = session.connection()
    on_task_writes(session, new_tasks, changed)
    added = [{"one_candidate": c.id} for c in new_candidates if c.task_id not in new_tasks]
    if added:  # a candidate added to a task that already has its entries
        connection.execute(_INSERT_CANDIDATES, added)
    if contracts:
        connection.execute(_SYNC_CONTRACTS, [{"one_contract": i} for i in contracts])


def on_task_writes(session: Session, created: list[int], changed: list[int]) -> None:
    """Entries for new tasks; state, holder and due date for changed ones.

    Heard from flushes (above) and from the engine's steps, which write their task
    rows with Core statements (the environment's human-task write listeners).
    """
    connection = session.connection()
    if created:
        connection.execute(_INSERT_TASKS, [{"one_task": i} for i in created])
    if changed:
        connection.execute(_SYNC_TASKS, [{"one_task": i} for i in changed])


def rebuild(connection: Connection) -> None:
    """Entries for every human task, from scratch (after a bulk load)."""
    connection.execute(delete(ENTRY))
    for entries in (_candidate_entries(), _holder_entries(), _starter_entries()):
        connection.execute(insert(ENTRY).from_select(_COLUMNS, entries))


def install(environment: EngineEnvironment) -> None:
    """Listen to every session's flushes (idempotent) and to the engine's task writes."""
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
    environment.human_task_write_listeners.append(on_task_writes)
