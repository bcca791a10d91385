"""Serialize workflows without their spec: the spec is stored once, by reference.

SpiffWorkflow's default serialization embeds the whole process spec in every
instance. We store only the task tree and data; the spec comes from the
checksum-keyed cache of the instance's definition version.

A step serialises the whole task tree, but most of it is finished tasks that
cannot change any more. `dumps` keeps each finished task's JSON with the
workflow object (which the workflow cache reuses from step to step) and encodes
only the tasks that are still alive, or that changed since the last save. The
result is the same document SpiffWorkflow's own serializer writes (fields in
another order); `tests/engine/test_serializer.py` holds the two together.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


class _SpecByReferenceConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None):  # type: ignore[override]
        from uuid import UUID

        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG.pop(BpmnWorkflow)
_REGISTRY = BpmnWorkflowSerializer.configure(_CONFIG)
_CONVERTER = _SpecByReferenceConverter(BpmnWorkflow, _REGISTRY)
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)


def registry() -> Any:
    """Return the converter registry our workflows are serialized with (spec diffs need it)."""
    return _REGISTRY


_ENCODER = _SERIALIZER._encoder_cls(separators=(",", ":"))

# A finished task (and its data) no longer changes; a reset makes it alive again,
# which changes its state and last_state_change.
_FROZEN = TaskState.COMPLETED | TaskState.CANCELLED

# Workflow object -> {task id: (what the JSON was made from, '"<id>":{...}')}.
_TaskItems = dict[Any, tuple[tuple[Any, ...], str]]
_frozen_items: weakref.WeakKeyDictionary[Any, _TaskItems] = weakref.WeakKeyDictionary()


def dumps(workflow: BpmnWorkflow) -> str:
    """Return the workflow's state (task tree and data, no spec) as JSON."""
    _REGISTRY._encoder_mode = True
    try:
        previous = _frozen_items.get(workflow, {})
        kept: _TaskItems = {}
        subprocesses = ",".join(
            f'"{key}":'
            + _workflow_json(
                sub,
                previous,
                kept,
                {
                    "parent_task_id": str(sub.parent_task_id),
                    "spec": sub.spec.name,
                    "typename": _REGISTRY.typenames[type(sub)],
                },
            )
            for key, sub in workflow.subprocesses.items()
        )
        document = _workflow_json(
            workflow,
            previous,
            kept,
            {
                "bpmn_events": _REGISTRY.convert(workflow.bpmn_events),
                "typename": _REGISTRY.typenames[type(workflow)],
                _SERIALIZER.VERSION_KEY: _SERIALIZER.VERSION,
            },
            subprocesses="{" + subprocesses + "}",
        )
        _frozen_items[workflow] = kept
        return document
    finally:
        _REGISTRY._encoder_mode = False


def _workflow_json(
    workflow: Any, previous: _TaskItems, kept: _TaskItems, extra: dict[str, Any], **raw: str
) -> str:
    """One (sub)workflow as SpiffWorkflow's WorkflowConverter writes it, tasks spliced in."""
    fields = {
        "data": _REGISTRY.convert(_REGISTRY.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "root": str(workflow.task_tree.id),
        **extra,
    }
    tasks = ",".join(_task_item(task, previous, kept) for task in workflow.tasks.values())
    spliced = "".join(f'"{name}":{value},' for name, value in raw.items())
    # `fields` is never empty, so its JSON is "{...}" and the rest follows the brace.
    return '{"tasks":{' + tasks + "}," + spliced + _ENCODER.encode(fields)[1:]


def _task_item(task: Task, previous: _TaskItems, kept: _TaskItems) -> str:
    """'"<id>":{task JSON}', reused from the last save while the task stays finished."""
    parent = task.parent
    if not (task.state & _FROZEN and (parent is None or parent.state & _FROZEN)):
        return _encode_task(task)
    # Everything the JSON is made of that could change without a state change.
    made_of = (
        task.state,
        task.last_state_change,
        tuple(task._children),
        task.triggered,
        task.task_spec,
        id(task.data),
        len(task.data),
        id(task.internal_data),
        len(task.internal_data),
        None if parent is None else (parent.last_state_change, id(parent.data), len(parent.data)),
    )
    known = previous.get(task.id)
    item = known[1] if known is not None and known[0] == made_of else _encode_task(task)
    kept[task.id] = (made_of, item)
    return item


def _encode_task(task: Task) -> str:
    return f'"{task.id}":' + _ENCODER.encode(_REGISTRY.convert(task))


def loads(state: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Restore a workflow from `dumps` output and its (cached) spec."""
    dct = json.loads(state, cls=_SERIALIZER.json_decoder_cls)
    _SERIALIZER.migrate(dct)
    return _CONVERTER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
