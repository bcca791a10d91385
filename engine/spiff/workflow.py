"""Reading and driving a SpiffWorkflow `BpmnWorkflow` in our own terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.errors import TaskNotReadyError, WorkflowStepError
from engine.spiff.script_engine import SandboxScriptEngine, ServiceCaller, UnsafeScriptError

TIMER_EVENT_TYPES = {
    "DurationTimerEventDefinition",
    "TimeDateEventDefinition",
    "CycleTimerEventDefinition",
}


@dataclass
class ReadyUserTask:
    """What the human-task projection needs to know about one ready user task."""

    guid: str
    bpmn_id: str
    name: str
    lane: str | None
    candidate_groups: list[str] = field(default_factory=list)
    candidate_users: list[str] = field(default_factory=list)
    form_schema: str | None = None
    form_ui_schema: str | None = None
    due_in: timedelta | None = None


def new_workflow(
    spec: Any, subprocess_specs: dict[str, Any], caller: ServiceCaller
) -> BpmnWorkflow:
    """Create a fresh workflow for a spec, with our sandboxed script engine."""
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SandboxScriptEngine(caller))


def attach_caller(workflow: BpmnWorkflow, caller: ServiceCaller) -> None:
    """Give a restored workflow the script engine of the current step."""
    workflow.script_engine = SandboxScriptEngine(caller)


def run_engine_steps(workflow: BpmnWorkflow) -> None:
    """Run every automatic task until only human tasks and waits remain."""
    with _wrapped():
        workflow.do_engine_steps()


def fire_timers(workflow: BpmnWorkflow) -> None:
    """Let every timer whose time has come fire, then run the engine on."""
    with _wrapped():
        workflow.refresh_timers()
        workflow.do_engine_steps()


def complete_user_task(workflow: BpmnWorkflow, guid: str, data: dict[str, Any]) -> None:
    """Put form data into a ready user task, run it and the engine after it."""
    task = workflow.get_task_from_id(UUID(guid))
    if task is None or task.state != TaskState.READY:
        # The projection said ready but the saved workflow moved on: someone
        # else completed it in the meantime.
        raise TaskNotReadyError("the task was completed or cancelled by someone else; reload")
    with _wrapped():
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()


def send_message(workflow: BpmnWorkflow, name: str, payload: dict[str, Any]) -> bool:
    """Deliver a named message; return False when nothing waits for it."""
    waiting = [e for e in workflow.waiting_events() if e.event_type == "MessageEventDefinition"]
    if not any(e.name == name for e in waiting):
        return False
    with _wrapped():
        workflow.catch(BpmnEvent(MessageEventDefinition(name), payload))
        workflow.do_engine_steps()
    return True


def waiting_message_names(workflow: BpmnWorkflow) -> set[str]:
    """Return the names of the messages the workflow waits for now."""
    return {
        e.name
        for e in workflow.waiting_events()
        if e.event_type == "MessageEventDefinition" and e.name
    }


def is_completed(workflow: BpmnWorkflow) -> bool:
    return bool(workflow.completed)


def workflow_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Return the data of the last completed task (what a script would see next)."""
    last = workflow.last_task
    return dict(last.data) if last is not None else dict(workflow.data)


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """Return the earliest moment a waiting timer is due, or None."""
    moments: list[datetime] = []
    for event in workflow.waiting_events():
        if event.event_type not in TIMER_EVENT_TYPES or event.value is None:
            continue
        value = event.value
        if isinstance(value, dict):
            value = value.get("next")
        if isinstance(value, str):
            try:
                moments.append(TimerEventDefinition.get_datetime(value))
            except ValueError:
                continue
    return min(moments) if moments else None


def waiting_timer_ids(workflow: BpmnWorkflow) -> set[str]:
    """Return the ids of timer tasks still waiting (to see which ones fired)."""
    return {
        str(task.id)
        for task in workflow.event_manager.tasks.values()
        if isinstance(task.task_spec.event_definition, TimerEventDefinition)
    }


def task_description(workflow: BpmnWorkflow, guid: str) -> tuple[str, str]:
    """Return (bpmn_id, name) of a task by its id."""
    task = workflow.get_task_from_id(UUID(guid))
    spec = task.task_spec
    return spec.bpmn_id or spec.name, spec.bpmn_name or spec.bpmn_id or spec.name


def ready_user_task_ids(workflow: BpmnWorkflow) -> set[str]:
    """Return the ids of the ready manual tasks (cheap: nothing is evaluated).

    Every step asks this twice, so it scans the workflows' task tables instead of
    walking the task tree (same answer: a task's state is in both).
    """
    ready = TaskState.READY
    return {
        str(task.id)
        for flow in (workflow, *workflow.subprocesses.values())
        for task in flow.tasks.values()
        if task.state == ready and task.task_spec.manual
    }


def _ready_manual_tasks(workflow: BpmnWorkflow, only: set[str] | None) -> list[Any]:
    if only is not None and len(only) <= 1:  # the usual step: at most one new task
        found = [workflow.get_task_from_id(UUID(guid)) for guid in only]
        return [t for t in found if t is not None and t.state == TaskState.READY]
    tasks = workflow.get_tasks(state=TaskState.READY, manual=True)  # tree order
    return [t for t in tasks if only is None or str(t.id) in only]


def ready_user_tasks(workflow: BpmnWorkflow, only: set[str] | None = None) -> list[ReadyUserTask]:
    """List ready manual tasks (all, or those in `only`) with candidates, form and due period."""
    ready = []
    for task in _ready_manual_tasks(workflow, only):
        spec = task.task_spec
        props = (getattr(spec, "extensions", None) or {}).get("properties", {})
        item = ReadyUserTask(
            guid=str(task.id),
            bpmn_id=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id,
            lane=spec.lane,
            form_schema=props.get("formJsonSchemaFilename"),
            form_ui_schema=props.get("formUiSchemaFilename"),
        )
        with _wrapped():
            item.candidate_groups = _as_names(
                _evaluate(workflow, task, props.get("candidateGroups"))
            )
            item.candidate_users = _as_names(_evaluate(workflow, task, props.get("candidateUsers")))
            due = _evaluate(workflow, task, props.get("dueIn"))
        if due:
            item.due_in = TimerEventDefinition.get_timedelta_from_start(
                TimerEventDefinition.parse_iso_duration(str(due))
            )
        lane_owners = task.data.get("lane_owners") or {}
        if spec.lane and not item.candidate_groups and not item.candidate_users:
            if spec.lane in lane_owners:
                item.candidate_users = _as_names(lane_owners[spec.lane])
            else:
                item.candidate_groups = [spec.lane]
        ready.append(item)
    return ready


def _evaluate(workflow: BpmnWorkflow, task: Any, expression: str | None) -> Any:
    if not expression:
        return None
    return workflow.script_engine.evaluate(task, expression)


def _as_names(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


class _wrapped:
    """Turn SpiffWorkflow's exceptions into WorkflowStepError naming the element."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is None or isinstance(exc, WorkflowStepError):
            return False
        if isinstance(exc, SpiffWorkflowException | UnsafeScriptError):
            task = getattr(exc, "task", None)
            spec = getattr(task, "task_spec", None) if task is not None else None
            element = getattr(spec, "bpmn_id", None) if spec is not None else None
            name = getattr(spec, "bpmn_name", None) if spec is not None else None
            message = str(exc)
            raise WorkflowStepError(
                f"{element or 'workflow'}: {message}" if element else message,
                details={"element_id": element, "element_name": name, "error": message},
            ) from exc
        return False


def seed_data(workflow: BpmnWorkflow, data: dict[str, Any]) -> None:
    """Give a new workflow its initial data (on the start task, as Spiff expects)."""
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**data)
