"""API.md's routing table, row by row, through the API."""

from __future__ import annotations

import pytest

APPROVER_OF_GROUP = {
    "dept_manager:sales": "bob",
    "dept_manager:procurement": "grace",
    "dept_manager:rd": "judy",
    "legal": "carol",
    "finance": "dave",
    "executive": "erin",
}

CASES = [
    pytest.param("alice", "nda", "sales", "5000000.00", "CNY", ["legal"], id="nda-any-amount"),
    pytest.param("alice", "nda", "sales", "10.00", "CNY", ["legal"], id="nda-small"),
    pytest.param(
        "alice", "sales", "sales", "99999.99", "CNY", ["dept_manager:sales"], id="below-100k"
    ),
    pytest.param(
        "frank",
        "purchase",
        "procurement",
        "100000.00",
        "CNY",
        ["dept_manager:procurement", "legal", "finance"],
        id="exactly-100k",
    ),
    pytest.param(
        "alice",
        "sales",
        "sales",
        "1000000.00",
        "CNY",
        ["dept_manager:sales", "legal", "finance"],
        id="exactly-1m",
    ),
    pytest.param(
        "alice",
        "sales",
        "sales",
        "1000000.01",
        "CNY",
        ["dept_manager:sales", "legal", "finance", "executive"],
        id="above-1m",
    ),
    pytest.param(
        "ivan", "service", "rd", "99999.99", "CNY", ["dept_manager:rd", "legal"], id="rd-service-ip"
    ),
    pytest.param(
        "ivan",
        "service",
        "rd",
        "100000.00",
        "CNY",
        ["dept_manager:rd", "legal", "finance"],
        id="rd-service-100k",
    ),
    pytest.param(
        "ivan", "purchase", "rd", "50000.00", "CNY", ["dept_manager:rd"], id="rd-purchase-small"
    ),
    pytest.param(
        "alice",
        "sales",
        "sales",
        "15000.00",
        "USD",
        ["dept_manager:sales", "legal", "finance"],
        id="usd-converted-to-cny",
    ),
]


@pytest.mark.parametrize(
    ("drafter", "contract_type", "department", "amount", "currency", "groups"), CASES
)
def test_routing_table(api, drafter, contract_type, department, amount, currency, groups):
    contract = api(drafter).create_contract(
        contract_type=contract_type, department=department, amount=amount, currency=currency
    )
    api(drafter).submit(contract["id"])
    seen = []
    for _ in range(len(groups) + 1):
        tasks = [
            (group, api(user).task_for(contract["id"]))
            for group, user in APPROVER_OF_GROUP.items()
            if group in groups
        ]
        ready = [(group, task) for group, task in tasks if task is not None]
        if not ready:
            break
        assert len(ready) == 1, ready
        group, task = ready[0]
        assert task["candidate_groups"] == [group]
        seen.append(group)
        api(APPROVER_OF_GROUP[group]).approve(contract["id"])
    assert seen == groups
    final = api(drafter).get(f"/api/v1/contracts/{contract['id']}").get_json()
    assert final["status"] == "approved"


def test_usd_amount_is_converted_with_the_configured_rate(api):
    contract = api("alice").create_contract(amount="15000.00", currency="USD")
    assert contract["amount"] == "15000.00"
    assert contract["currency"] == "USD"
    assert contract["amount_cny"] == "106500.00"  # 15,000 x 7.10
