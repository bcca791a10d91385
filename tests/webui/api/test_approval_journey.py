"""The approval journeys of API.md, end to end through the API."""

from __future__ import annotations


def test_full_approval_of_a_2m_sales_contract(api):
    alice = api("alice")
    contract = alice.create_contract(title="Big deal", amount="2000000.00")
    assert contract["status"] == "draft"
    assert contract["number"].startswith("HT-")
    submitted = alice.submit(contract["id"])
    assert submitted["status"] == "in_review"

    for approver in ("bob", "carol", "dave", "erin"):
        # Nobody else sees the task while it waits for this approver's group.
        for other in {"bob", "carol", "dave", "erin"} - {approver}:
            assert api(other).task_for(contract["id"]) is None, (approver, other)
        result = api(approver).approve(contract["id"], comment=f"{approver} agrees")

    assert result["contract"]["status"] == "approved"
    assert alice.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"

    timeline = alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    decisions = [
        (e["actor"], e["action"], e["comment"]) for e in timeline if e["action"] == "approved"
    ]
    assert decisions == [
        ("bob", "approved", "bob agrees"),
        ("carol", "approved", "carol agrees"),
        ("dave", "approved", "dave agrees"),
        ("erin", "approved", "erin agrees"),
    ]
    assert timeline[0]["action"] == "submitted" and timeline[0]["actor"] == "alice"
    assert timeline[-1]["action"] == "status_changed"


def test_rejection_revision_and_resubmission_route_again(api):
    alice, bob, carol = api("alice"), api("bob"), api("carol")
    contract = alice.create_contract(amount="500000.00")
    alice.submit(contract["id"])
    bob.approve(contract["id"])

    task = carol.task_for(contract["id"])
    rejected = carol.complete(
        task["id"], {"decision": "reject", "comment": "Liability cap missing"}
    )
    assert rejected.status_code == 200
    assert rejected.get_json()["contract"]["status"] == "rejected"

    revision = alice.task_for(contract["id"])
    assert revision["bpmn_id"] == "revise_contract"
    # Between rejection and resubmission the drafter may edit: now it is small.
    edited = alice.patch(f"/api/v1/contracts/{contract['id']}", json={"amount": "80000.00"})
    assert edited.status_code == 200, edited.get_json()
    assert (
        alice.complete(revision["id"], {"action": "resubmit", "comment": "cap added"}).status_code
        == 200
    )
    assert alice.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "in_review"

    # Routed again from the start with the new amount: only the department manager.
    final = bob.approve(contract["id"])
    assert final["contract"]["status"] == "approved"
    assert carol.task_for(contract["id"]) is None

    actions = [
        e["action"]
        for e in alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    ]
    assert [a for a in actions if a != "status_changed"] == [
        "submitted",
        "approved",
        "rejected",
        "resubmitted",
        "approved",
    ]
