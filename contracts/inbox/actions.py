"""The approver's actions on human tasks: claim, unclaim, delegate, comment on, complete.

Each checks that the actor may act, changes the task through the engine (whose write
listeners keep the inbox's projection in step), records history and audit, and flushes;
the caller commits. What the inbox lists and shows is in `contracts.inbox.queries`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contracts import audit
from contracts.approval.forms import FormLibrary
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity.actor import Actor
from contracts.inbox import queries
from contracts.inbox.queries import TaskView
from contracts.notifications.settings import MessageSettings
from engine import clock, runtime
from engine.environment import EngineEnvironment
from engine.errors import ConflictError
from engine.models import HumanTask, HumanTaskStatus, InstanceEvent

# How a task's submitted data reads in the timeline.
DECISION_ACTIONS = {"approve": "approved", "reject": "rejected"}
REVISION_ACTIONS = {"resubmit": "resubmitted", "withdraw": "withdrawn"}
MAX_COMMENT = 4000


def _audit(session: Session, action: str, actor: Actor, task_id: int, **details: Any) -> None:
    audit.record_as(
        session, action, actor, object_type="task", object_id=task_id, details=details or None
    )


def claim_task(session: Session, task_id: int, actor: Actor, env: EngineEnvironment) -> TaskView:
    """Assign a task to the actor; 409 when someone else holds it."""
    view = queries.get_task(session, task_id, actor)
    runtime.claim_task(session, task_id, actor.username, env)
    _audit(session, "task.claim", actor, task_id)
    return view


def unclaim_task(session: Session, task_id: int, actor: Actor, env: EngineEnvironment) -> TaskView:
    """Give a claimed task back to its groups."""
    view = queries.get_task(session, task_id, actor)
    runtime.unclaim_task(session, task_id, actor.username, env)
    _audit(session, "task.unclaim", actor, task_id)
    return view


def _actionable(session: Session, task_id: int, actor: Actor) -> HumanTask:
    """The ready task, if the actor may act on it now (a candidate, not held by another)."""
    task = runtime.get_human_task(session, task_id)
    if not queries.is_candidate(task, actor):
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


def delegate_task(
    session: Session,
    task_id: int,
    to: Any,
    note: Any,
    actor: Actor,
    env: EngineEnvironment,
    messages: MessageSettings | None = None,
) -> TaskView:
    """Assign the task to another candidate with a note; recorded as "delegated"."""
    task = _actionable(session, task_id, actor)
    if not isinstance(to, str) or not to.strip():
        raise ValidationError({"to": ["must name a user"]})
    clean_note = _clean_text(note, "note", required=False)
    target = queries.may_take(session, task, to.strip())
    if target is None:
        raise ValidationError({"to": [f"{to.strip()[:80]} may not take this task"]})
    if target.username == actor.username:
        raise ValidationError({"to": ["you cannot delegate a task to yourself"]})
    previous = task.assignee
    runtime.assign_task(session, task, target.username, env)
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

    notifications.notify_delegated(session, task, target, actor.username, clean_note, messages)
    session.flush()
    return TaskView(task=task, contract=queries.contract_of(session, task))


def comment_on_task(session: Session, task_id: int, comment: Any, actor: Actor) -> TaskView:
    """Add a comment to the task's history without completing it."""
    view = queries.get_task(session, task_id, actor)
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
    contract = queries.contract_of(session, task)
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
