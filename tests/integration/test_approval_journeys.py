"""The approval journeys and routing table of API.md, through the API, on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.integration.support import DRAFTER_OF_DEPARTMENT, walk_route

pytestmark = pytest.mark.integration

APPROVERS_OF_2M = ("bob", "carol", "dave", "erin")


def test_full_approval_of_a_2m_sales_contract(api):
    alice = api("alice")
    contract = alice.create_contract(title="Big deal", amount="2000000.00")
    assert contract["status"] == "draft"
    assert contract["number"].startswith("HT-")
    assert alice.submit(contract["id"])["status"] == "in_review"

    for approver in APPROVERS_OF_2M:
        # Nobody else sees the task while it waits for this approver's group.
        for other in set(APPROVERS_OF_2M) - {approver}:
            assert api(other).task_for(contract["id"]) is None, (approver, other)
        result = api(approver).approve(contract["id"], comment=f"{approver} agrees")
        expected = "approved" if approver == "erin" else "in_review"
        assert result["contract"]["status"] == expected, approver

    assert alice.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"
    timeline = alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    decisions = [(e["actor"], e["comment"]) for e in timeline if e["action"] == "approved"]
    assert decisions == [(a, f"{a} agrees") for a in APPROVERS_OF_2M]
    assert (timeline[0]["action"], timeline[0]["actor"]) == ("submitted", "alice")
    assert timeline[-1]["action"] == "status_changed"
    for approver in APPROVERS_OF_2M:
        assert api(approver).task_for(contract["id"]) is None


def test_rejection_revision_and_resubmission_route_again(api):
    alice, bob, carol = api("alice"), api("bob"), api("carol")
    contract = alice.create_contract(amount="500000.00")
    alice.submit(contract["id"])
    bob.approve(contract["id"])

    task = carol.task_for(contract["id"])
    rejected = carol.complete(
        task["id"], {"decision": "reject", "comment": "Liability cap missing"}
    )
    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["contract"]["status"] == "rejected"

    revision = alice.task_for(contract["id"])
    assert revision["bpmn_id"] == "revise_contract"
    # Between rejection and resubmission the drafter may edit: now it is small.
    edited = alice.patch(f"/api/v1/contracts/{contract['id']}", json={"amount": "80000.00"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["amount_cny"] == "80000.00"
    resubmitted = alice.complete(revision["id"], {"action": "resubmit", "comment": "cap added"})
    assert resubmitted.status_code == 200, resubmitted.get_json()
    assert alice.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "in_review"

    # Routed again from the start with the new amount: only the department manager.
    final = bob.approve(contract["id"])
    assert final["contract"]["status"] == "approved"
    assert carol.task_for(contract["id"]) is None
    assert alice.task_for(contract["id"]) is None

    timeline = alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    assert [(e["action"], e["actor"]) for e in timeline if e["action"] != "status_changed"] == [
        ("submitted", "alice"),
        ("approved", "bob"),
        ("rejected", "carol"),
        ("resubmitted", "alice"),
        ("approved", "bob"),
    ]
    assert [e["comment"] for e in timeline if e["action"] == "rejected"] == [
        "Liability cap missing"
    ]


SMALL = ["dept_manager:sales"]
MEDIUM = ["dept_manager:sales", "legal", "finance"]
LARGE = ["dept_manager:sales", "legal", "finance", "executive"]


@pytest.mark.parametrize(
    ("contract_type", "department", "amount", "currency", "amount_cny", "route"),
    [
        # nda, any amount: legal only
        ("nda", "sales", "5000.00", "CNY", "5000.00", ["legal"]),
        ("nda", "sales", "2000000.00", "CNY", "2000000.00", ["legal"]),
        # below 100,000: the department manager
        ("sales", "sales", "99999.99", "CNY", "99999.99", SMALL),
        # 100,000 to 1,000,000 inclusive: manager, legal, finance
        ("sales", "sales", "100000.00", "CNY", "100000.00", MEDIUM),
        ("sales", "sales", "1000000.00", "CNY", "1000000.00", MEDIUM),
        # above 1,000,000: + executive
        ("sales", "sales", "1000000.01", "CNY", "1000000.01", LARGE),
        # the manager group is the contract's department's
        ("purchase", "procurement", "99999.99", "CNY", "99999.99", ["dept_manager:procurement"]),
        (
            "purchase",
            "procurement",
            "1000000.01",
            "CNY",
            "1000000.01",
            ["dept_manager:procurement", "legal", "finance", "executive"],
        ),
        # service from rd below 100,000: manager and legal (IP review)
        ("service", "rd", "99999.99", "CNY", "99999.99", ["dept_manager:rd", "legal"]),
        ("service", "rd", "100000.00", "CNY", "100000.00", ["dept_manager:rd", "legal", "finance"]),
        # ... only from rd
        ("service", "sales", "99999.99", "CNY", "99999.99", SMALL),
        # compared in CNY: 20,000 USD x 7.10 = 142,000 CNY; 150,000 USD = 1,065,000 CNY
        ("sales", "sales", "20000.00", "USD", "142000.00", MEDIUM),
        ("sales", "sales", "150000.00", "USD", "1065000.00", LARGE),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v),
)
def test_routing_table(api, contract_type, department, amount, currency, amount_cny, route):
    drafter = api(DRAFTER_OF_DEPARTMENT[department])
    contract = drafter.create_contract(
        contract_type=contract_type, department=department, amount=amount, currency=currency
    )
    assert (contract["amount"], contract["currency"]) == (amount, currency)
    assert contract["amount_cny"] == amount_cny
    drafter.submit(contract["id"])

    assert walk_route(api, contract["id"]) == route
    assert drafter.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"
