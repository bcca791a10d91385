"""The step serializer writes what SpiffWorkflow's own serializer writes, at every step.

`serializer.dumps` reuses the JSON of finished tasks from the previous save of the
same workflow object (the workflow cache hands that object from step to step), so
these tests keep one object alive through whole journeys - reminders, rejections,
loops, multi-instance tasks, subprocesses - and compare after every step.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import time_machine

from engine import clock
from engine.definitions import read_bundle
from engine.spiff import serializer
from engine.spiff import workflow as wf
from engine.spiff.parser import parse_bundle

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN_DIR = Path(__file__).parent / "bpmn"


def spiff_dumps(workflow: Any) -> str:
    """SpiffWorkflow's own serialization, spec by reference (the reference document)."""
    spiff = serializer._SERIALIZER
    spiff.registry._encoder_mode = True
    try:
        dct = spiff.to_dict(workflow)
        dct[spiff.VERSION_KEY] = spiff.VERSION
        return json.dumps(dct, cls=spiff._encoder_cls)
    finally:
        spiff.registry._encoder_mode = False


def check(workflow: Any, spec: Any, subprocess_specs: dict[str, Any]) -> None:
    state = serializer.dumps(workflow)
    assert json.loads(state) == json.loads(spiff_dumps(workflow))
    assert serializer.dumps(workflow) == state  # a second save of an unchanged workflow
    restored = serializer.loads(state, spec, subprocess_specs)
    assert json.loads(serializer.dumps(restored)) == json.loads(state)


class Contract:
    def __init__(self, **facts: Any) -> None:
        self.facts = facts

    def call(self, task: Any, name: str, params: dict[str, Any]) -> Any:
        if name == "contracts/LoadContract":
            return dict(self.facts)
        return {"status": params.get("status")}


def _approval(contract: Contract) -> tuple[Any, Any, dict[str, Any]]:
    bundle = parse_bundle(read_bundle(PROCESSES))
    spec = bundle.specs["contract_approval"]
    subs = bundle.subprocess_specs["contract_approval"]
    workflow = wf.new_workflow(spec, subs, contract.call)
    wf.seed_data(
        workflow,
        {"contract_id": 1, "drafter": "alice", "sla_period": "P3D", "sla_escalation_period": "P6D"},
    )
    wf.run_engine_steps(workflow)
    return workflow, spec, subs


def _complete_only_ready(workflow: Any, data: dict[str, Any]) -> None:
    (task,) = wf.ready_user_tasks(workflow)
    wf.complete_user_task(workflow, task.guid, data)


def test_approval_with_reminder_escalation_rejection_and_resubmission():
    contract = Contract(contract_type="sales", department="sales", amount_cny=2_000_000.0)
    workflow, spec, subs = _approval(contract)
    check(workflow, spec, subs)
    # Nobody acts for a week: the SLA reminder, then the escalation fire.
    for days in (4, 7):
        with time_machine.travel(clock.now() + timedelta(days=days), tick=False):
            wf.fire_timers(workflow)
        check(workflow, spec, subs)
    steps: list[dict[str, Any]] = [
        {"decision": "approve"},
        {"decision": "reject", "comment": "too expensive"},
        {"action": "resubmit"},
        {"decision": "approve"},
        {"decision": "approve"},
        {"decision": "approve"},
        {"decision": "approve"},
    ]
    for data in steps:
        if data.get("action") == "resubmit":
            contract.facts["amount_cny"] = 1_500_000.0
        _complete_only_ready(workflow, data)
        check(workflow, spec, subs)
    assert wf.is_completed(workflow)


def test_multi_instance_subprocess_and_boundary_timer():
    bundle = parse_bundle({"nested.bpmn": (BPMN_DIR / "nested.bpmn").read_text()})
    spec, subs = bundle.specs["nested"], bundle.subprocess_specs["nested"]
    workflow = wf.new_workflow(spec, subs, lambda *_: {})
    wf.run_engine_steps(workflow)
    check(workflow, spec, subs)
    # Three parallel signatures: each finished one is merged into the (still running)
    # multi-instance task's data.
    for n in range(3):
        ready = wf.ready_user_tasks(workflow)
        assert len(ready) == 3 - n
        wf.complete_user_task(workflow, ready[0].guid, {"signature": f"signed-{n}"})
        check(workflow, spec, subs)
    (filing,) = wf.ready_user_tasks(workflow)
    assert filing.bpmn_id == "file_it"
    assert workflow.subprocesses  # the embedded subprocess is its own workflow
    wf.complete_user_task(workflow, filing.guid, {"shelf": "B2"})
    check(workflow, spec, subs)
    with time_machine.travel(clock.now() + timedelta(days=2), tick=False):
        wf.fire_timers(workflow)
    check(workflow, spec, subs)
    _complete_only_ready(workflow, {"closed": True})
    check(workflow, spec, subs)
    assert wf.is_completed(workflow)
    assert sorted(wf.workflow_data(workflow)["signatures"]) == ["signed-0", "signed-1", "signed-2"]


def test_finished_tasks_are_encoded_once(monkeypatch):
    workflow, spec, subs = _approval(
        Contract(contract_type="sales", department="sales", amount_cny=2_000_000.0)
    )
    _complete_only_ready(workflow, {"decision": "approve"})
    serializer.dumps(workflow)
    encoded: list[Any] = []
    real = serializer._encode_task
    monkeypatch.setattr(serializer, "_encode_task", lambda t: encoded.append(t) or real(t))
    serializer.dumps(workflow)
    alive = [t for t in workflow.get_tasks() if not t.state & serializer._FROZEN]
    assert encoded and len(encoded) < len(alive) + 3 < len(workflow.tasks)


def test_running_parent_data_change_reaches_its_finished_children():
    bundle = parse_bundle({"nested.bpmn": (BPMN_DIR / "nested.bpmn").read_text()})
    spec, subs = bundle.specs["nested"], bundle.subprocess_specs["nested"]
    workflow = wf.new_workflow(spec, subs, lambda *_: {})
    wf.run_engine_steps(workflow)
    first = wf.ready_user_tasks(workflow)[0]
    wf.complete_user_task(workflow, first.guid, {"signature": "signed"})
    check(workflow, spec, subs)
    # The multi-instance task is still running; a finished signature is its child,
    # and a child's saved data is its difference to the parent's.
    (running,) = [t for t in workflow.get_tasks() if t.task_spec.name == "sign"]
    running.data["deadline"] = "2026-12-01"
    check(workflow, spec, subs)


def test_reset_to_an_earlier_task():
    workflow, spec, subs = _approval(
        Contract(contract_type="sales", department="sales", amount_cny=2_000_000.0)
    )
    (first,) = wf.ready_user_tasks(workflow)
    _complete_only_ready(workflow, {"decision": "approve"})
    _complete_only_ready(workflow, {"decision": "approve"})
    check(workflow, spec, subs)
    workflow.reset_from_task_id(UUID(first.guid))
    check(workflow, spec, subs)
    assert [t.guid for t in wf.ready_user_tasks(workflow)] == [first.guid]
