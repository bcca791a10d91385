"""Serialize workflows without their spec: the spec is stored once, by reference.

SpiffWorkflow's default serialization embeds the whole process spec in every
instance. We store only the task tree and data; the spec comes from the
checksum-keyed cache of the instance's definition version.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


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


def dumps(workflow: BpmnWorkflow) -> str:
    """Return the workflow's state (task tree and data, no spec) as JSON."""
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def loads(state: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Restore a workflow from `dumps` output and its (cached) spec."""
    dct = json.loads(state, cls=_SERIALIZER.json_decoder_cls)
    _SERIALIZER.migrate(dct)
    return _CONVERTER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
