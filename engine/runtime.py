"""Run process instances: each function is one load -> act -> save step.

The caller owns the transaction: it commits after a step returns and rolls
back when one raises. A step flushes at its end, so a concurrent writer is
detected here (optimistic `lock_version`) and reported as a conflict.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.db import table_of, update_versioned
from engine.definitions import latest_definition, spec_cache
from engine.environment import EngineEnvironment
from engine.errors import (
    ConcurrentUpdateError,
    ConflictError,
    NotFoundError,
    TaskNotReadyError,
    WorkflowStepError,
)
from engine.models import (
    HumanTask,
    HumanTaskCandidate,
    HumanTaskStatus,
    InstanceEvent,
    InstanceStatus,
    ProcessInstance,
)
from engine.operators import OperatorContext
from engine.spiff import serializer
from engine.spiff import workflow as wf
from engine.spiff.workflow_cache import workflow_cache


class Step:
    """One unit of work on one instance: the restored workflow plus what to save."""

    def __init__(
        self,
        session: Session,
        instance: ProcessInstance,
        actor: str | None,
        env: EngineEnvironment,
        *,
        fresh_data: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.instance = instance
        self.actor = actor
        self.env = env
        spec, subprocess_specs = spec_cache.get(instance.definition)
        if fresh_data is not None:
            self.workflow = wf.new_workflow(spec, subprocess_specs, self._call_operator)
            wf.seed_data(self.workflow, fresh_data)
            self.ready_before: set[str] = set()
        else:
            self.workflow = _restore(instance, spec, subprocess_specs)
            wf.attach_caller(self.workflow, self._call_operator)
            # Every ready user task has exactly one READY human_task row (every
            # change goes through a Step), so this is what is projected now.
            self.ready_before = wf.ready_user_task_ids(self.workflow)
        # Tasks this step finished itself (their rows are already updated).
        self.handled: set[str] = set()
        # History lines, inserted in one Core statement by `save` (never read back here).
        self.events: list[dict[str, Any]] = []
        # Human tasks this step changed with Core statements (the write listeners hear them).
        self.changed_tasks: list[int] = []
        self.completing: tuple[HumanTask, str, Any] | None = None  # (task, actor, at)

    def _call_operator(self, task: Any, name: str, params: dict[str, Any]) -> Any:
        operator = self.env.operators.get(name)
        bpmn_id, task_name = wf.task_description(self.workflow, str(task.id))
        context = OperatorContext(
            session=self.session,
            instance=self.instance,
            actor=self.actor,
            bpmn_id=bpmn_id,
            task_name=task_name,
            data=task.data,
            recorder=self.record,
            env=self.env,
        )
        return operator.func(context, params)

    def record(self, action: str, **fields: Any) -> None:
        """Add a line to the instance's history; written by `save` in the step's transaction."""
        self.events.append(_event_row(self.instance.id, self.actor, action, **fields))

    def save(self) -> ProcessInstance:
        """Store state, timers, status and the human-task projection; flush."""
        instance = self.instance
        instance_id = instance.id  # read now: after a failed flush the row cannot be refreshed
        now = clock.now()
        state = serializer.dumps(self.workflow)
        values: dict[str, Any] = {
            "state": state,
            "updated_at": now,
            "status": instance.status,
            "completed_at": instance.completed_at,
        }
        if wf.is_completed(self.workflow):
            values |= {"status": InstanceStatus.COMPLETED, "completed_at": now}
            values["next_timer_at"] = None
            self.record("completed")
        else:
            values["next_timer_at"] = wf.next_timer_at(self.workflow)
        try:
            # One guarded UPDATE, not a flush: the step knows every new value.
            if not update_versioned(self.session, instance, values):
                raise _changed_meanwhile(instance_id)
            self._write_completion()
            workflow_cache.put(instance_id, state, self.workflow)
            if self.events:
                self.session.connection().execute(_INSERT_EVENT, self.events)
                self.events = []
            created = self._project_human_tasks(now)
            self.session.flush()
            self._notify_task_listeners(created)
        except StaleDataError as exc:
            raise _changed_meanwhile(instance_id) from exc
        except OperationalError as exc:
            if "locked" in str(exc.orig).lower():
                raise ConcurrentUpdateError(
                    "the process instance is being changed by someone else; try again",
                    details={"process_instance_id": instance_id},
                ) from exc
            raise
        self._run_hooks()
        return instance

    def _notify_task_listeners(self, created: list[HumanTask]) -> None:
        """Tell the human-task listeners which rows this step inserted and changed."""
        self.env.report_task_writes(self.session, [row.id for row in created], self.changed_tasks)
        for row in created:
            for on_created in self.env.human_task_listeners:
                on_created(self.session, row)

    def _run_hooks(self) -> None:
        if self.instance.status == InstanceStatus.COMPLETED:
            for on_completed in self.env.hooks.completed:
                on_completed(self.session, self.instance)
            return
        names = wf.waiting_message_names(self.workflow)
        if names:
            for on_wait in self.env.hooks.message_wait:
                on_wait(self.session, self.instance, names)

    def _project_human_tasks(self, now: Any) -> list[HumanTask]:
        """Mirror the change in ready user tasks: insert new rows, cancel vanished ones.

        Only the difference to the start of the step is touched, so a step that
        merely completes a task and readies the next issues no SELECT here.
        """
        ready_now = wf.ready_user_task_ids(self.workflow)
        vanished = self.ready_before - ready_now - self.handled
        if vanished:  # e.g. an interrupting boundary event took the task away
            rows = self.session.scalars(
                select(HumanTask).where(
                    HumanTask.task_guid.in_(vanished), HumanTask.status == HumanTaskStatus.READY
                )
            )
            self.changed_tasks += cancel_tasks(self.session, list(rows), now)
        created: list[HumanTask] = []
        connection = self.session.connection()
        for task in wf.ready_user_tasks(self.workflow, only=ready_now - self.ready_before):
            # Core inserts (the rows are not read back in this step): the listeners get
            # a transient HumanTask carrying the same values, candidates and instance.
            values = {
                "instance_id": self.instance.id,
                "task_guid": task.guid,
                "bpmn_id": task.bpmn_id,
                "name": task.name,
                "lane": task.lane,
                "status": HumanTaskStatus.READY,
                "assignee": None,
                "form_schema": task.form_schema,
                "form_ui_schema": task.form_ui_schema,
                "created_at": now,
                "due_at": (now + task.due_in) if task.due_in else None,
            }
            task_id = connection.execute(_INSERT_TASK, values).scalar_one()
            candidates = [
                {"task_id": task_id, "group_name": g, "username": None}
                for g in task.candidate_groups
            ]
            candidates += [
                {"task_id": task_id, "group_name": None, "username": u}
                for u in task.candidate_users
            ]
            if candidates:
                connection.execute(_INSERT_CANDIDATE, candidates)
            row = HumanTask(id=task_id, **values)
            row.candidates = [HumanTaskCandidate(**c) for c in candidates]
            row.instance = self.instance
            created.append(row)
        return created

    def complete(self, task: HumanTask, actor: str, now: Any) -> None:
        """Mark a ready task completed; `save` writes it, after the instance row.

        Rows are locked in one order everywhere (instance, then its tasks), as the
        ORM's flush order did, so a completion and a timer step cannot deadlock.
        """
        self.completing = (task, actor, now)
        self.handled.add(task.task_guid)

    def _write_completion(self) -> None:
        """One Core UPDATE of the completed task; the loaded row is updated too."""
        if self.completing is None:
            return
        task, actor, now = self.completing
        values = {
            "status": HumanTaskStatus.COMPLETED,
            "completed_by": actor,
            "completed_at": now,
            "assignee": task.assignee or actor,
        }
        result = self.session.connection().execute(
            _COMPLETE_TASK, {**values, "_id": task.id, "_ready": HumanTaskStatus.READY}
        )
        if result.rowcount != 1:
            raise TaskNotReadyError(
                f"task {task.id} was completed or cancelled by someone else; reload",
                details={"task_id": task.id},
            )
        for key, value in values.items():
            set_committed_value(task, key, value)
        self.changed_tasks.append(task.id)


_INSERT_EVENT = insert(table_of(InstanceEvent))
_TASKS = table_of(HumanTask)
_INSERT_TASK = insert(_TASKS).returning(_TASKS.c.id)
_INSERT_CANDIDATE = insert(table_of(HumanTaskCandidate))
_INSERT_CANDIDATE_ID = _INSERT_CANDIDATE.returning(table_of(HumanTaskCandidate).c.id)
_COMPLETE_TASK = _TASKS.update().where(
    _TASKS.c.id == bindparam("_id"), _TASKS.c.status == bindparam("_ready")
)
_SET_TASK = _TASKS.update().where(_TASKS.c.id == bindparam("_id"))
_INSTANCE = table_of(ProcessInstance)
_INSERT_INSTANCE = insert(_INSTANCE).returning(_INSTANCE.c.id)


def _changed_meanwhile(instance_id: int) -> ConcurrentUpdateError:
    return ConcurrentUpdateError(
        "the process instance was changed by someone else; reload and try again",
        details={"process_instance_id": instance_id},
    )


def _restore(
    instance: ProcessInstance, spec: Any, subprocess_specs: dict[str, Any], *, reuse: bool = True
) -> Any:
    cached = workflow_cache.take(instance.id, instance.state, spec) if reuse else None
    if cached is not None:
        return cached
    try:
        return serializer.loads(instance.state, spec, subprocess_specs)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WorkflowStepError(
            f"the saved state of process instance {instance.id} cannot be read: {exc!r}",
            details={"process_instance_id": instance.id},
        ) from exc


def start_instance(
    session: Session,
    key: str,
    *,
    business_key: str | None,
    data: dict[str, Any],
    actor: str | None,
    env: EngineEnvironment,
    history: tuple[str, ...] = (),
) -> ProcessInstance:
    """Start the newest version of a process with initial data and run it to its first wait.

    `history` names actions of the actor that led to the start (e.g. 'submitted'); they
    follow the 'started' line, written in the same INSERT as the start's own lines.
    """
    definition = latest_definition(session, key)
    assert definition is not None
    now = clock.now()
    values = {
        "definition_id": definition.id,
        "business_key": business_key,
        "status": InstanceStatus.RUNNING,
        "state": "{}",
        "lock_version": 1,
        "next_timer_at": None,
        "started_by": actor,
        "started_at": now,
        "updated_at": now,
        "completed_at": None,
        "error": None,
    }
    # A Core INSERT; the object joins the session as if loaded (no flush needed), and
    # its definition resolves from the identity map.
    instance = ProcessInstance(
        id=session.connection().execute(_INSERT_INSTANCE, values).scalar_one(), **values
    )
    make_transient_to_detached(instance)
    session.add(instance)
    step = Step(session, instance, actor, env, fresh_data=data)
    step.record("started", details={"definition": key, "version": definition.version})
    for action in history:
        step.record(action)
    wf.run_engine_steps(step.workflow)
    return step.save()


def load_instance(session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFoundError(f"process instance {instance_id} does not exist")
    return instance


# One statement: a task has one or two candidates, so joining them is cheaper than
# the separate SELECT its default (selectin) loading would cost. Built once: the
# options cost a tenth of the load when built per call.
_TASK_WITH_INSTANCE = (joinedload(HumanTask.instance), joinedload(HumanTask.candidates))


def get_human_task(session: Session, task_id: int) -> HumanTask:
    # Served from the session when the request already loaded it (no second query).
    task = session.get(HumanTask, task_id, options=_TASK_WITH_INSTANCE)
    if task is None:
        raise NotFoundError(f"task {task_id} does not exist", details={"task_id": task_id})
    return task


def complete_task(
    session: Session,
    task_id: int,
    data: dict[str, Any],
    *,
    actor: str,
    action: str = "task_completed",
    decision: str | None = None,
    comment: str | None = None,
    env: EngineEnvironment,
) -> HumanTask:
    """Complete a ready human task with form data and run the workflow to its next wait."""
    task = get_human_task(session, task_id)
    if task.status != HumanTaskStatus.READY:
        raise TaskNotReadyError(
            f"task {task_id} is {task.status}, not ready", details={"status": str(task.status)}
        )
    instance = task.instance
    _require_running(instance)
    step = Step(session, instance, actor, env)
    now = clock.now()
    step.record(
        action,
        bpmn_id=task.bpmn_id,
        task_name=task.name,
        human_task_id=task.id,
        decision=decision,
        comment=comment,
    )
    wf.complete_user_task(step.workflow, task.task_guid, data)
    step.complete(task, actor, now)
    step.save()
    return task


def claim_task(session: Session, task_id: int, username: str, env: EngineEnvironment) -> HumanTask:
    """Assign a ready task to a user, unless someone else holds it."""
    task = get_human_task(session, task_id)
    if task.status != HumanTaskStatus.READY:
        raise TaskNotReadyError(f"task {task_id} is {task.status}, not ready")
    result = session.execute(
        update(HumanTask)
        .where(
            HumanTask.id == task_id,
            HumanTask.status == HumanTaskStatus.READY,
            or_(HumanTask.assignee.is_(None), HumanTask.assignee == username),
        )
        .values(assignee=username)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(task)
        raise ConflictError(
            f"task {task_id} is already claimed by {task.assignee}",
            details={"assignee": task.assignee},
        )
    set_committed_value(task, "assignee", username)
    session.flush()
    env.report_task_writes(session, [], [task_id])
    return task


def unclaim_task(
    session: Session, task_id: int, username: str, env: EngineEnvironment
) -> HumanTask:
    """Give a claimed task back to its candidate groups."""
    task = get_human_task(session, task_id)
    if task.assignee != username:
        raise ConflictError(f"task {task_id} is not claimed by {username}")
    assign_task(session, task, None, env)
    return task


def assign_task(
    session: Session, task: HumanTask, username: str | None, env: EngineEnvironment
) -> None:
    """Set who holds a task (None: nobody); the caller has checked that they may."""
    # Core, reported to the write listeners: a flush of the row would be heard twice by
    # projections that also follow ORM edits of task rows.
    session.connection().execute(_SET_TASK, {"_id": task.id, "assignee": username})
    set_committed_value(task, "assignee", username)
    session.flush()
    env.report_task_writes(session, [], [task.id])


def cancel_tasks(session: Session, tasks: list[HumanTask], now: Any) -> list[int]:
    """Mark loaded ready tasks cancelled (not reported: the caller reports their ids)."""
    ids = [task.id for task in tasks]
    if ids:
        values = {"status": HumanTaskStatus.CANCELLED, "completed_at": now}
        session.connection().execute(_SET_TASK, [{"_id": i, **values} for i in ids])
        for task in tasks:
            for key, value in values.items():
                set_committed_value(task, key, value)
    return ids


def add_candidate_group(
    session: Session, task: HumanTask, group: str, env: EngineEnvironment
) -> bool:
    """Let one more group take a task (an escalation); False when it already may."""
    if group in task.candidate_groups:
        return False
    values = {"task_id": task.id, "group_name": group, "username": None}
    candidate_id = session.connection().execute(_INSERT_CANDIDATE_ID, values).scalar_one()
    session.expire(task, ["candidates"])  # read again with the new row when next asked
    env.report_candidates_added(session, [candidate_id])
    return True


def fire_timers(
    session: Session,
    instance_id: int,
    *,
    actor: str | None = None,
    env: EngineEnvironment,
) -> int:
    """Fire every due timer of one instance; return how many fired."""
    instance = load_instance(session, instance_id)
    if instance.status != InstanceStatus.RUNNING:
        return 0
    step = Step(session, instance, actor, env)
    before = wf.waiting_timer_ids(step.workflow)
    wf.fire_timers(step.workflow)
    fired = before - wf.waiting_timer_ids(step.workflow)
    for guid in sorted(fired):
        bpmn_id, name = wf.task_description(step.workflow, guid)
        step.record("timer_fired", bpmn_id=bpmn_id, task_name=name)
    step.save()
    return len(fired)


def deliver_message(
    session: Session,
    instance_id: int,
    name: str,
    payload: dict[str, Any],
    *,
    actor: str | None = None,
    env: EngineEnvironment,
) -> bool:
    """Deliver a message to an instance; return False when nothing waits for it."""
    instance = load_instance(session, instance_id)
    _require_running(instance)
    step = Step(session, instance, actor, env)
    if not wf.send_message(step.workflow, name, payload):
        return False
    step.record("message_received", details={"message": name})
    step.save()
    return True


def instance_data(session: Session, instance_id: int) -> dict[str, Any]:
    """Return the current data of an instance (what its next script would see)."""
    instance = load_instance(session, instance_id)
    spec, subprocess_specs = spec_cache.get(instance.definition)
    return wf.workflow_data(_restore(instance, spec, subprocess_specs, reuse=False))


def history(session: Session, instance_ids: list[int]) -> list[InstanceEvent]:
    """Return the events of some instances in the order they happened."""
    if not instance_ids:
        return []
    return list(
        session.scalars(
            select(InstanceEvent)
            .where(InstanceEvent.instance_id.in_(instance_ids))
            .order_by(InstanceEvent.at, InstanceEvent.id)
        )
    )


def _require_running(instance: ProcessInstance) -> None:
    if instance.status != InstanceStatus.RUNNING:
        raise ConflictError(
            f"process instance {instance.id} is {instance.status}",
            details={"status": str(instance.status)},
        )


def record_event(
    session: Session,
    instance_id: int,
    action: str,
    *,
    actor: str | None,
    comment: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add a line to an instance's history outside a step (e.g. 'submitted')."""
    session.connection().execute(
        _INSERT_EVENT,
        _event_row(instance_id, actor, action, comment=comment, details=details),
    )


def _event_row(instance_id: int, actor: str | None, action: str, **fields: Any) -> dict[str, Any]:
    """The insert parameters of one history line (every column, so one statement fits all)."""
    row = {
        "instance_id": instance_id,
        "at": clock.now(),
        "actor": actor,
        "action": action,
        "bpmn_id": fields.pop("bpmn_id", None),
        "task_name": fields.pop("task_name", None),
        "human_task_id": fields.pop("human_task_id", None),
        "decision": fields.pop("decision", None),
        "comment": fields.pop("comment", None),
        "details": fields.pop("details", None),
    }
    if fields:
        raise TypeError(f"unknown history fields: {sorted(fields)}")
    return row
