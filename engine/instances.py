"""Admin actions on running instances: watch, suspend, resume, terminate, retry, migrate.

Every action is recorded in the instance's history with the acting user. The
caller owns the transaction (and any audit of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine import clock, runtime
from engine.definitions import latest_definition, spec_cache
from engine.environment import EngineEnvironment
from engine.errors import ConflictError, EngineError
from engine.models import (
    HumanTask,
    HumanTaskStatus,
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
)
from engine.spiff import migration
from engine.spiff import workflow as wf
from engine.spiff.migration import ElementStates


class MigrationUnsafeError(ConflictError):
    code = "migration_unsafe"


@dataclass
class InstanceFilters:
    key: str | None = None
    version: int | None = None
    status: str | None = None
    business_key: str | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None
    page: int = 1
    per_page: int = 20


def list_instances(session: Session, filters: InstanceFilters) -> tuple[list[ProcessInstance], int]:
    """Return one page of instances matching the filters, newest first, and the total."""
    query: Select[Any] = select(ProcessInstance).join(ProcessInstance.definition)
    if filters.key:
        query = query.where(ProcessDefinition.key == filters.key)
    if filters.version is not None:
        query = query.where(ProcessDefinition.version == filters.version)
    if filters.status:
        query = query.where(ProcessInstance.status == filters.status)
    if filters.business_key:
        query = query.where(ProcessInstance.business_key == filters.business_key)
    if filters.started_after:
        query = query.where(ProcessInstance.started_at >= filters.started_after)
    if filters.started_before:
        query = query.where(ProcessInstance.started_at < filters.started_before)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(
        query.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
        .offset((filters.page - 1) * filters.per_page)
        .limit(filters.per_page)
    ).all()
    return list(rows), int(total or 0)


def element_states(session: Session, instance_id: int) -> ElementStates:
    """Return the completed, active and waiting BPMN ids of an instance's saved workflow."""
    instance = runtime.load_instance(session, instance_id)
    spec, subprocess_specs = spec_cache.get(instance.definition)
    return migration.element_states(runtime._restore(instance, spec, subprocess_specs))


def _require_status(instance: ProcessInstance, *allowed: InstanceStatus, doing: str) -> None:
    if instance.status not in allowed:
        raise ConflictError(
            f"process instance {instance.id} is {instance.status}; cannot {doing} it",
            details={"status": str(instance.status)},
        )


def suspend(
    session: Session, instance_id: int, *, actor: str, comment: str | None = None
) -> ProcessInstance:
    """Stop a running instance: its timers don't fire and its tasks can't be completed."""
    return _move(session, instance_id, "suspend", actor=actor, comment=comment)


def resume(
    session: Session, instance_id: int, *, actor: str, comment: str | None = None
) -> ProcessInstance:
    """Let a suspended instance run again; timers that fell due meanwhile fire next tick."""
    return _move(session, instance_id, "resume", actor=actor, comment=comment)


# What suspending and resuming do: from which status, to which, and the event recorded.
_MOVES = {
    "suspend": (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, "suspended"),
    "resume": (InstanceStatus.SUSPENDED, InstanceStatus.RUNNING, "resumed"),
}


def _move(
    session: Session, instance_id: int, doing: str, *, actor: str, comment: str | None
) -> ProcessInstance:
    source, target, action = _MOVES[doing]
    instance = runtime.load_instance(session, instance_id)
    _require_status(instance, source, doing=doing)
    instance.status = target
    instance.updated_at = clock.now()
    runtime.record_event(session, instance.id, action, actor=actor, comment=comment)
    session.flush()
    return instance


def terminate(
    session: Session,
    instance_id: int,
    *,
    actor: str,
    env: EngineEnvironment,
    comment: str | None = None,
) -> ProcessInstance:
    """End an instance for good: open human tasks are cancelled, no timer will fire."""
    instance = runtime.load_instance(session, instance_id)
    _require_status(
        instance,
        InstanceStatus.RUNNING,
        InstanceStatus.SUSPENDED,
        InstanceStatus.ERROR,
        doing="terminate",
    )
    now = clock.now()
    open_tasks = session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY
        )
    )
    cancelled = runtime.cancel_tasks(session, list(open_tasks), now)
    instance.status = InstanceStatus.TERMINATED
    instance.next_timer_at = None
    instance.completed_at = now
    instance.updated_at = now
    runtime.record_event(session, instance.id, "terminated", actor=actor, comment=comment)
    session.flush()
    env.report_task_writes(session, [], cancelled)  # e.g. projections of the tasks
    return instance


@dataclass
class RetryOutcome:
    instance: ProcessInstance
    succeeded: bool
    error: str | None = None


def retry(
    session: Session,
    instance_id: int,
    *,
    actor: str,
    env: EngineEnvironment,
) -> RetryOutcome:
    """Re-run the failed step of an instance in `error` (its due timers and engine steps).

    When it fails again the instance stays in `error` with the new message.
    """
    instance = runtime.load_instance(session, instance_id)
    _require_status(instance, InstanceStatus.ERROR, doing="retry")
    instance.status = InstanceStatus.RUNNING
    instance.error = None
    runtime.record_event(session, instance.id, "retried", actor=actor)
    session.flush()
    savepoint = session.begin_nested()
    try:
        runtime.fire_timers(session, instance_id, actor=actor, env=env)
        savepoint.commit()
    except EngineError as exc:
        savepoint.rollback()
        instance = runtime.load_instance(session, instance_id)
        instance.status = InstanceStatus.ERROR
        instance.error = exc.message
        runtime.record_event(session, instance.id, "error", actor=actor, comment=exc.message)
        session.flush()
        return RetryOutcome(instance, False, exc.message)
    return RetryOutcome(runtime.load_instance(session, instance_id), True)


@dataclass
class MigrationReport:
    """A dry run: what moving an instance to the newest version would change."""

    instance_id: int
    from_version: int
    to_version: int | None
    safe: bool
    reasons: list[str] = field(default_factory=list)
    changed: list[migration.SpecChange] = field(default_factory=list)
    added: list[migration.SpecChange] = field(default_factory=list)
    removed: list[migration.SpecChange] = field(default_factory=list)


def _plan(
    session: Session, instance: ProcessInstance, workflow: Any
) -> tuple[MigrationReport, ProcessDefinition, Any]:
    newest = latest_definition(session, instance.definition.key)
    assert newest is not None
    report = MigrationReport(instance.id, instance.definition.version, newest.version, True)
    if instance.status != InstanceStatus.RUNNING:
        report.reasons.append(f"the instance is {instance.status}")
    if newest.id == instance.definition_id:
        report.reasons.append(f"the instance already runs the newest version {newest.version}")
        report.safe = False
        return report, newest, None
    spec, subprocess_specs = spec_cache.get(newest)
    plan = migration.plan_migration(workflow, spec, subprocess_specs)
    report.changed, report.added, report.removed = plan.changed, plan.added, plan.removed
    report.reasons.extend(plan.unsafe_reasons)
    report.safe = not report.reasons
    return report, newest, plan


def migration_dry_run(session: Session, instance_id: int) -> MigrationReport:
    """Diff an instance against the newest version of its process; say whether it is safe."""
    instance = runtime.load_instance(session, instance_id)
    spec, subprocess_specs = spec_cache.get(instance.definition)
    workflow = runtime._restore(instance, spec, subprocess_specs)
    return _plan(session, instance, workflow)[0]


def migrate(
    session: Session,
    instance_id: int,
    *,
    actor: str,
    env: EngineEnvironment,
) -> MigrationReport:
    """Move an instance to the newest version, refusing (409 migration_unsafe) when unsafe."""
    instance = runtime.load_instance(session, instance_id)
    step = runtime.Step(session, instance, actor, env)
    report, newest, plan = _plan(session, instance, step.workflow)
    if not report.safe:
        raise MigrationUnsafeError(
            f"process instance {instance_id} cannot be migrated: {'; '.join(report.reasons)}",
            details={"reasons": report.reasons},
        )
    spec, subprocess_specs = spec_cache.get(newest)
    migration.migrate(step.workflow, plan, spec, subprocess_specs)
    instance.definition = newest
    step.record(
        "migrated",
        details={"from_version": report.from_version, "to_version": report.to_version},
    )
    wf.run_engine_steps(step.workflow)
    _refresh_open_tasks(session, instance, step.workflow)
    step.save()
    return report


def _refresh_open_tasks(session: Session, instance: ProcessInstance, workflow: Any) -> None:
    """Give open human-task rows the name and form of their (migrated) spec."""
    ready = {t.guid: t for t in wf.ready_user_tasks(workflow)}
    rows = session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY
        )
    )
    for row in rows:
        task = ready.get(row.task_guid)
        if task is not None:
            row.name, row.bpmn_id, row.lane = task.name, task.bpmn_id, task.lane
            row.form_schema, row.form_ui_schema = task.form_schema, task.form_ui_schema


@dataclass
class TaskTiming:
    """How long one user task of a process waited, from history."""

    bpmn_id: str
    name: str
    count: int
    median_seconds: float
    p90_seconds: float


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the percentile with linear interpolation (PostgreSQL's percentile_cont)."""
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def heatmap(
    session: Session,
    key: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    version: int | None = None,
) -> list[TaskTiming]:
    """Return count, median and p90 of (completed - created) per user task of a process.

    Computed in Python over the completed rows so SQLite and PostgreSQL agree.
    """
    query = (
        select(HumanTask.bpmn_id, HumanTask.name, HumanTask.created_at, HumanTask.completed_at)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(
            ProcessDefinition.key == key,
            HumanTask.status == HumanTaskStatus.COMPLETED,
            HumanTask.completed_at.is_not(None),
        )
    )
    if version is not None:
        query = query.where(ProcessDefinition.version == version)
    if since is not None:
        query = query.where(HumanTask.completed_at >= since)
    if until is not None:
        query = query.where(HumanTask.completed_at < until)
    durations: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    for bpmn_id, name, created_at, completed_at in session.execute(query):
        if completed_at is None:
            continue
        durations.setdefault(bpmn_id, []).append((completed_at - created_at).total_seconds())
        names[bpmn_id] = name
    result = []
    for bpmn_id in sorted(durations):
        values = sorted(durations[bpmn_id])
        result.append(
            TaskTiming(
                bpmn_id,
                names[bpmn_id],
                len(values),
                percentile(values, 0.5),
                percentile(values, 0.9),
            )
        )
    return result


__all__ = [
    "InstanceFilters",
    "MigrationReport",
    "MigrationUnsafeError",
    "RetryOutcome",
    "TaskTiming",
    "element_states",
    "heatmap",
    "list_instances",
    "migrate",
    "migration_dry_run",
    "resume",
    "retry",
    "suspend",
    "terminate",
]
