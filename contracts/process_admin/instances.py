"""Running instances for process admins: list, inspect, suspend/resume/terminate, retry, migrate.

Every function checks the process-admin permission itself, so a page, a JSON endpoint
and a script get the same answer; every change is audited here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from contracts import audit
from contracts.identity.actor import Actor
from contracts.process_admin.service import require_process_admin
from engine import instances, runtime
from engine.environment import EngineEnvironment
from engine.errors import EngineError
from engine.models import InstanceEvent, ProcessInstance

ACTIONS = ("suspend", "resume", "terminate", "retry", "migrate")
NO_ELEMENTS: dict[str, list[str]] = {"completed": [], "active": [], "waiting": []}


@dataclass(frozen=True)
class InstanceDetail:
    """One instance as the monitor shows it: row, history, element states, data, error."""

    instance: ProcessInstance
    history: list[InstanceEvent]
    elements: dict[str, list[str]]
    data: dict[str, Any]
    error: str | None


@dataclass(frozen=True)
class ActionOutcome:
    """An instance after suspend/resume/terminate/retry; `retry` says how a retry went."""

    instance: ProcessInstance
    retry: instances.RetryOutcome | None = None


def list_instances(
    session: Session, filters: instances.InstanceFilters, actor: Actor
) -> tuple[list[ProcessInstance], int]:
    """Return one page of instances matching the filters, and the total."""
    require_process_admin(actor.user)
    return instances.list_instances(session, filters)


def instance_detail(session: Session, instance_id: int, actor: Actor) -> InstanceDetail:
    """Return an instance with its history, element states and data.

    A saved state that cannot be restored is shown with its error, not hidden behind a 500.
    """
    require_process_admin(actor.user)
    instance = runtime.load_instance(session, instance_id)
    history = runtime.history(session, [instance_id])
    try:
        elements = dataclasses.asdict(instances.element_states(session, instance_id))
        data = runtime.instance_data(session, instance_id)
    except EngineError as exc:
        return InstanceDetail(
            instance, history, dict(NO_ELEMENTS), {}, instance.error or exc.message
        )
    return InstanceDetail(instance, history, elements, data, instance.error)


def migration_dry_run(
    session: Session, instance_id: int, actor: Actor
) -> instances.MigrationReport:
    """Say what migrating the instance to the newest version would change (nothing is saved)."""
    require_process_admin(actor.user)
    return instances.migration_dry_run(session, instance_id)


def instance_action(
    session: Session,
    instance_id: int,
    action: str,
    actor: Actor,
    env: EngineEnvironment,
    comment: str | None = None,
) -> Any:
    """Suspend, resume, terminate, retry or migrate an instance; audit it."""
    require_process_admin(actor.user)
    user = actor.username
    result: Any
    if action == "suspend":
        result = instances.suspend(session, instance_id, actor=user, comment=comment)
    elif action == "resume":
        result = instances.resume(session, instance_id, actor=user, comment=comment)
    elif action == "terminate":
        result = instances.terminate(session, instance_id, actor=user, env=env, comment=comment)
    elif action == "retry":
        result = instances.retry(session, instance_id, actor=user, env=env)
    elif action == "migrate":
        result = instances.migrate(session, instance_id, actor=user, env=env)
    else:
        raise ValueError(action)
    audit.record_as(
        session,
        f"instance.{action}",
        actor,
        object_type="process_instance",
        object_id=instance_id,
        details={"comment": comment},
    )
    return result


def change_instance(
    session: Session,
    instance_id: int,
    action: str,
    actor: Actor,
    env: EngineEnvironment,
    comment: str | None = None,
) -> ActionOutcome:
    """Suspend, resume, terminate or retry an instance; return it as it is now."""
    if action not in ACTIONS or action == "migrate":
        raise ValueError(action)
    result = instance_action(session, instance_id, action, actor, env, comment)
    if isinstance(result, instances.RetryOutcome):
        return ActionOutcome(result.instance, result)
    return ActionOutcome(runtime.load_instance(session, instance_id))


def migrate_instance(
    session: Session,
    instance_id: int,
    actor: Actor,
    env: EngineEnvironment,
    comment: str | None = None,
) -> instances.MigrationReport:
    """Migrate an instance to the newest version of its process (refused when unsafe)."""
    report: instances.MigrationReport = instance_action(
        session, instance_id, "migrate", actor, env, comment
    )
    return report
