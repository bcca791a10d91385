"""Compare a running workflow with a newer spec, and move it onto that spec."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.spiff.serializer import registry

_LIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING


@dataclass
class SpecChange:
    """One task spec of the running version, and what happens to it in the new one."""

    bpmn_id: str
    name: str
    aspects: list[str] = field(default_factory=list)


@dataclass
class WorkflowMigrationPlan:
    """What moving a workflow onto a new spec would change, and why it may be unsafe."""

    changed: list[SpecChange] = field(default_factory=list)
    added: list[SpecChange] = field(default_factory=list)
    removed: list[SpecChange] = field(default_factory=list)
    unsafe_reasons: list[str] = field(default_factory=list)
    top_diff: Any = None
    subprocess_diffs: dict[Any, Any] = field(default_factory=dict)


def _describe(spec: Any, aspects: list[str] | None = None) -> SpecChange:
    bpmn_id = getattr(spec, "bpmn_id", None) or spec.name
    return SpecChange(bpmn_id, getattr(spec, "bpmn_name", None) or bpmn_id, aspects or [])


def _is_element(spec: Any) -> bool:
    return getattr(spec, "bpmn_id", None) is not None


def plan_migration(
    workflow: BpmnWorkflow, new_spec: Any, new_subprocess_specs: dict[str, Any]
) -> WorkflowMigrationPlan:
    """Diff the workflow (and its subprocesses) against a new spec; list what is unsafe."""
    top_diff, sp_diffs = diff_workflow(registry(), workflow, new_spec, new_subprocess_specs)
    plan = WorkflowMigrationPlan(top_diff=top_diff, subprocess_diffs=sp_diffs)
    spec_diff = _spec_diff_of(workflow, new_spec)
    for spec, aspects in spec_diff.changed.items():
        if _is_element(spec):
            new = spec_diff.alignment.get(spec) or spec
            plan.changed.append(_describe(new, sorted(aspects)))
    plan.added = [_describe(s) for s in spec_diff.added if _is_element(s)]
    plan.removed = [_describe(s) for s in spec_diff.removed if _is_element(s)]
    _unsafe_tasks(top_diff, plan)
    for sp_id, diff in sp_diffs.items():
        if diff is None:
            name = workflow.subprocesses[sp_id].spec.name
            plan.unsafe_reasons.append(
                f"the subprocess spec '{name}' is missing in the new version"
            )
        else:
            _unsafe_tasks(diff, plan)
    return plan


def _spec_diff_of(workflow: BpmnWorkflow, new_spec: Any) -> Any:
    from SpiffWorkflow.bpmn.util.diff import SpecDiff

    return SpecDiff(registry(), workflow.spec, new_spec)


def _unsafe_tasks(diff: WorkflowDiff, plan: WorkflowMigrationPlan) -> None:
    for task in diff.removed:
        if task.state & _LIVE and _is_element(task.task_spec):
            spec = task.task_spec
            plan.unsafe_reasons.append(
                f"'{spec.bpmn_name or spec.bpmn_id}' ({spec.bpmn_id}) is "
                f"{TaskState.get_name(task.state).lower()} but removed in the new version"
            )


def migrate(
    workflow: BpmnWorkflow,
    plan: WorkflowMigrationPlan,
    new_spec: Any,
    new_subprocess_specs: dict[str, Any],
) -> None:
    """Move the workflow and its subprocesses onto the new spec (the plan must be safe)."""
    migrate_workflow(plan.top_diff, workflow, new_spec)
    for sp_id, diff in plan.subprocess_diffs.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(diff, sub, new_subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new_subprocess_specs


@dataclass
class ElementStates:
    """BPMN ids of a workflow's elements by state, for marking up the diagram."""

    completed: list[str]
    active: list[str]
    waiting: list[str]


def element_states(workflow: BpmnWorkflow) -> ElementStates:
    """Return completed / active (ready, started) / waiting element ids."""
    buckets: dict[str, set[str]] = {"completed": set(), "active": set(), "waiting": set()}
    masks = {
        "completed": TaskState.COMPLETED,
        "active": TaskState.READY | TaskState.STARTED,
        "waiting": TaskState.WAITING,
    }
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id is None:
            continue
        for name, mask in masks.items():
            if task.state & mask:
                buckets[name].add(bpmn_id)
    return ElementStates(*(sorted(buckets[n]) for n in ("completed", "active", "waiting")))
