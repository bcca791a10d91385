"""Keep `inbox_entry` (see contracts.inbox.models) in step with the engine's tasks.

Each change is told, never discovered: nothing here listens to a Session. What it hears
and what it writes (Core statements that read the engine's rows in the database, no
SELECT round trip, no ORM objects):

- the engine's write listeners (`engine.runtime.human_task_write_listeners`): tasks a
  step readied, and tasks it, a claim, an unclaim, a delegation or a termination changed
  (state, holder, due date) -> `on_task_writes`, one INSERT ... SELECT / UPDATE ... FROM;
- the engine's candidate listeners: groups an escalation added -> `on_candidates_added`;
- contract edits (`contracts.core.service.update_contract` calls it) -> `contracts_changed`:
  the entries' copies of amount, type, department, title and counterparty;
- ORM flushes of the engine's two task classes themselves (a row inserted or a due date
  set by hand, as tests and admin shells do; the engine's own writes are Core statements,
  reported above): mapper events on `HumanTask` and `HumanTaskCandidate` only, so a
  flush of anything else runs nothing here.

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


def on_task_writes(session: Session, created: list[int], changed: list[int]) -> None:
    """Entries for new tasks; state, holder and due date for changed ones."""
    _write_tasks(session.connection(), created, changed)


def on_candidates_added(session: Session, candidate_ids: list[int]) -> None:
    """Entries for candidates added to tasks that already have theirs (an escalation)."""
    if candidate_ids:
        rows = [{"one_candidate": i} for i in candidate_ids]
        session.connection().execute(_INSERT_CANDIDATES, rows)


def contracts_changed(session: Session, contract_ids: list[int]) -> None:
    """Copy the contracts' amount, type, department, title and counterparty to their entries."""
    if contract_ids:
        rows = [{"one_contract": i} for i in contract_ids]
        session.connection().execute(_SYNC_CONTRACTS, rows)


def _write_tasks(connection: Connection, created: list[int], changed: list[int]) -> None:
    if created:
        connection.execute(_INSERT_TASKS, [{"one_task": i} for i in created])
    if changed:
        connection.execute(_SYNC_TASKS, [{"one_task": i} for i in changed])


def _task_inserted(_mapper: Any, connection: Connection, task: HumanTask) -> None:
    # Its candidates follow in the same flush, each heard by `_candidate_inserted`.
    _write_tasks(connection, [task.id], [])


def _task_updated(_mapper: Any, connection: Connection, task: HumanTask) -> None:
    attrs = inspect(task).attrs
    if any(attrs[name].history.has_changes() for name in _TASK_FIELDS):
        _write_tasks(connection, [], [task.id])


def _candidate_inserted(_mapper: Any, connection: Connection, candidate: Any) -> None:
    connection.execute(_INSERT_CANDIDATES, {"one_candidate": candidate.id})


_MAPPER_EVENTS = (
    (HumanTask, "after_insert", _task_inserted),
    (HumanTask, "after_update", _task_updated),
    (HumanTaskCandidate, "after_insert", _candidate_inserted),
)


def rebuild(connection: Connection) -> None:
    """Entries for every human task, from scratch (after a bulk load)."""
    connection.execute(delete(ENTRY))
    for entries in (_candidate_entries(), _holder_entries(), _starter_entries()):
        connection.execute(insert(ENTRY).from_select(_COLUMNS, entries))


def install(environment: EngineEnvironment) -> None:
    """Hear the engine's task writes and added candidates, and ORM flushes of its task rows."""
    environment.human_task_write_listeners.append(on_task_writes)
    environment.human_task_candidate_listeners.append(on_candidates_added)
    for model, name, listener in _MAPPER_EVENTS:  # class-level, so guarded (idempotent)
        if not event.contains(model, name, listener):
            event.listen(model, name, listener)
