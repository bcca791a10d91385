"""Concurrent writers on one task: exactly one wins, the others get 409, nothing is lost."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models import HumanTask, HumanTaskStatus, InstanceEvent, ProcessInstance
from tests.factories import (
    ApiClient,
    race,
)
from tests.integration.support import add_sales_manager, remove_user
from webui.extensions import db

pytestmark = pytest.mark.integration

SECOND_MANAGER = "sam_integration"


@pytest.fixture
def second_manager(app) -> Any:
    """A second member of `dept_manager:sales`, removed again after the test."""
    with app.app_context():
        add_sales_manager(db.session, SECOND_MANAGER)
    yield SECOND_MANAGER
    with app.app_context():
        remove_user(db.session, SECOND_MANAGER)


def test_one_task_completed_by_six_threads_at_once(app, api, second_manager):
    alice = api("alice")
    contract = alice.submit(alice.create_contract(title="Raced", amount="2000000.00")["id"])
    task = api("bob").task_for(contract["id"])
    assert task is not None

    # Six clients, each its own app test client: bob three times, the second manager three times.
    clients = [
        ApiClient.sign_in(app.test_client(), username) for username in ["bob", second_manager] * 3
    ]
    responses = race(
        [
            lambda c=c: c.complete(
                task["id"], {"decision": "approve", "comment": f"{c.username} first"}
            )
            for c in clients
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409, 409, 409, 409, 409], [r.get_json() for r in responses]
    winner = next(r for r in responses if r.status_code == 200).get_json()
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.get_json()["error"]["code"] in {
            "concurrent_update",
            "task_not_ready",
            "conflict",
        }
    assert winner["contract"]["status"] == "in_review"

    with app.app_context():
        instance = db.session.get(ProcessInstance, contract["process_instance_id"])
        assert str(instance.status) == "running"
        ready = db.session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY
            )
        ).all()
        assert [t.candidate_groups for t in ready] == [["legal"]]
        raced = db.session.get(HumanTask, task["id"])
        assert str(raced.status) == "completed"
        assert raced.completed_by in {"bob", second_manager}
        approvals = db.session.scalar(
            select(func.count()).where(
                InstanceEvent.instance_id == instance.id, InstanceEvent.action == "approved"
            )
        )
        assert approvals == 1

    # The workflow goes on from the winner's save as if there had been no race.
    for approver in ("carol", "dave", "erin"):
        result = api(approver).approve(contract["id"], comment=f"{approver} agrees")
    assert result["contract"]["status"] == "approved"
    timeline = alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    approved = [(e["actor"], e["comment"]) for e in timeline if e["action"] == "approved"]
    assert len(approved) == 4, approved
    assert approved[0] == (raced.completed_by, f"{raced.completed_by} first")
    assert [a for a, _ in approved[1:]] == ["carol", "dave", "erin"]


def test_two_concurrent_claims_of_one_task(app, api, second_manager):
    alice = api("alice")
    contract = alice.create_contract(title="Claimed twice", amount="50000.00")
    alice.submit(contract["id"])
    task = api("bob").task_for(contract["id"])
    assert task is not None

    bob = ApiClient.sign_in(app.test_client(), "bob")
    sam = ApiClient.sign_in(app.test_client(), second_manager)
    responses = race([lambda c=c: c.post(f"/api/v1/tasks/{task['id']}/claim") for c in (bob, sam)])

    by_status = {r.status_code: r.get_json() for r in responses}
    assert sorted(r.status_code for r in responses) == [200, 409], [r.get_json() for r in responses]
    holder = by_status[200]["assignee"]
    assert holder in {"bob", second_manager}
    assert by_status[409]["error"]["code"] == "conflict"
    assert by_status[409]["error"]["details"] == {"assignee": holder}

    with app.app_context():
        assert db.session.get(HumanTask, task["id"]).assignee == holder
    # Only the holder sees it now, and only the holder can complete it.
    loser = sam if holder == "bob" else bob
    holder_client = bob if holder == "bob" else sam
    assert loser.task_for(contract["id"]) is None
    refused = loser.complete(task["id"], {"decision": "approve", "comment": "mine?"})
    assert refused.status_code == 409
    done = holder_client.complete(task["id"], {"decision": "approve", "comment": "mine"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["contract"]["status"] == "approved"
