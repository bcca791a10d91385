"""Every shipped BPMN run to the end, with a serialize/restore after each step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.definitions import read_bundle
from engine.spiff import serializer
from engine.spiff import workflow as wf
from engine.spiff.parser import parse_bundle

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


class FakeContract:
    """Stands in for the contract row: what LoadContract reads and SetStatus writes."""

    def __init__(self, **facts: Any) -> None:
        self.facts = facts
        self.statuses: list[str] = []

    def call(self, task: Any, name: str, params: dict[str, Any]) -> Any:
        if name == "contracts/LoadContract":
            return dict(self.facts)
        if name == "contracts/SetStatus":
            self.statuses.append(params["status"])
            return {"status": params["status"]}
        return {}


def _roundtrip(workflow, contract):
    """Serialize, restore, serialize again: nothing may change in between."""
    bundle = parse_bundle(read_bundle(PROCESSES))
    state = serializer.dumps(workflow)
    restored = serializer.loads(
        state, bundle.specs["contract_approval"], bundle.subprocess_specs["contract_approval"]
    )
    wf.attach_caller(restored, contract.call)
    assert serializer.dumps(restored) == state
    return restored


def _run(
    contract: FakeContract, decisions: list[dict[str, Any]]
) -> tuple[list[tuple[str, list[str]]], Any]:
    bundle = parse_bundle(read_bundle(PROCESSES))
    workflow = wf.new_workflow(
        bundle.specs["contract_approval"],
        bundle.subprocess_specs["contract_approval"],
        contract.call,
    )
    wf.seed_data(
        workflow,
        {"contract_id": 1, "drafter": "alice", "sla_period": "P3D", "sla_escalation_period": "P6D"},
    )
    wf.run_engine_steps(workflow)
    seen = []
    for data in decisions:
        workflow = _roundtrip(workflow, contract)
        ready = wf.ready_user_tasks(workflow)
        assert len(ready) == 1, ready
        task = ready[0]
        seen.append((task.bpmn_id, task.candidate_groups or task.candidate_users))
        if "facts" in data:
            contract.facts.update(data.pop("facts"))
        wf.complete_user_task(workflow, task.guid, data)
    workflow = _roundtrip(workflow, contract)
    return seen, workflow


def test_every_shipped_bpmn_parses_and_is_executable():
    bundle = parse_bundle(read_bundle(PROCESSES))
    assert set(bundle.specs) == {
        "contract_approval",
        "contract_lifecycle",
        "purchase_fulfilment",
        "sales_activation",
    }


def test_four_approvals_then_approved():
    contract = FakeContract(contract_type="sales", department="sales", amount_cny=2_000_000.0)
    seen, workflow = _run(contract, [{"decision": "approve"}] * 4)
    assert seen == [
        ("approve_contract", ["dept_manager:sales"]),
        ("approve_contract", ["legal"]),
        ("approve_contract", ["finance"]),
        ("approve_contract", ["executive"]),
    ]
    assert contract.statuses == ["approved"]
    assert wf.is_completed(workflow)
    assert not workflow.get_tasks(state=TaskState.WAITING)


def test_reject_revise_resubmit_routes_with_new_values():
    contract = FakeContract(contract_type="sales", department="sales", amount_cny=500_000.0)
    seen, workflow = _run(
        contract,
        [
            {"decision": "approve"},
            {"decision": "reject", "comment": "no"},
            {"action": "resubmit", "facts": {"amount_cny": 50_000.0}},
            {"decision": "approve"},
        ],
    )
    assert [s[1] for s in seen] == [
        ["dept_manager:sales"],
        ["legal"],
        ["alice"],
        ["dept_manager:sales"],
    ]
    assert contract.statuses == ["rejected", "in_review", "approved"]
    assert wf.is_completed(workflow)


def test_withdraw_ends_in_draft():
    contract = FakeContract(contract_type="nda", department="sales", amount_cny=0.0)
    seen, workflow = _run(
        contract, [{"decision": "reject", "comment": "x"}, {"action": "withdraw"}]
    )
    assert seen == [("approve_contract", ["legal"]), ("revise_contract", ["alice"])]
    assert contract.statuses == ["rejected", "draft"]
    assert wf.is_completed(workflow)


@pytest.mark.parametrize("amount", [99_999.99, 100_000.0, 1_000_000.0, 1_000_000.01])
def test_waiting_approval_has_its_sla_timers(amount):
    contract = FakeContract(contract_type="purchase", department="procurement", amount_cny=amount)
    bundle = parse_bundle(read_bundle(PROCESSES))
    workflow = wf.new_workflow(
        bundle.specs["contract_approval"],
        bundle.subprocess_specs["contract_approval"],
        contract.call,
    )
    wf.seed_data(
        workflow,
        {"contract_id": 1, "drafter": "frank", "sla_period": "P3D", "sla_escalation_period": "P6D"},
    )
    wf.run_engine_steps(workflow)
    assert len(wf.waiting_timer_ids(workflow)) == 2
    assert wf.next_timer_at(workflow) is not None
