"""Concurrent edits of one draft on PostgreSQL: 200 or 409 concurrent_update, never 500."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import ApiClient
from tests.integration.test_concurrency import race

pytestmark = pytest.mark.integration


def racers(app, api, count: int = 20) -> list[ApiClient]:
    """`count` API clients for alice, each its own test client (one token between them)."""
    token = api("alice").token
    return [ApiClient(app.test_client(), "alice", token) for _ in range(count)]


def amount_of(index: int) -> str:
    return str(Decimal("999999999999999.99") - index)


def test_twenty_parallel_patches_give_only_200_and_409(app, api):
    contract = api("alice").create_contract(title="Raced draft")
    path = f"/api/v1/contracts/{contract['id']}"
    responses = race(
        [
            lambda c=c, i=i: c.patch(path, json={"title": f"T{i}", "amount": amount_of(i)})
            for i, c in enumerate(racers(app, api))
        ]
    )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, [r.get_json() for r in responses]
    conflicts = [r.get_json()["error"]["code"] for r in responses if r.status_code == 409]
    assert set(conflicts) <= {"concurrent_update"}
    winners = [r.get_json() for r in responses if r.status_code == 200]
    assert winners
    stored = api("alice").get(path).get_json()
    # Each success moved the version by one; the stored row is the last success, exactly.
    assert stored["edit_version"] == contract["edit_version"] + len(winners)
    last = max(winners, key=lambda w: w["edit_version"])
    assert (stored["title"], stored["amount"]) == (last["title"], last["amount"])


def test_twenty_parallel_patches_of_one_version_let_exactly_one_win(app, api):
    contract = api("alice").create_contract(title="Raced draft")
    path = f"/api/v1/contracts/{contract['id']}"
    version = contract["edit_version"]
    responses = race(
        [
            lambda c=c, i=i: c.patch(
                path, json={"title": f"T{i}", "amount": amount_of(i), "edit_version": version}
            )
            for i, c in enumerate(racers(app, api))
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19, [r.get_json() for r in responses]
    winner = next(r for r in responses if r.status_code == 200).get_json()
    stored = api("alice").get(path).get_json()
    assert (stored["title"], stored["amount"]) == (winner["title"], winner["amount"])
    assert stored["edit_version"] == version + 1

    stale = api("alice").patch(path, json={"title": "Late", "edit_version": version})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "concurrent_update"


def test_amount_filters_on_postgresql_tell_cents_apart(api):
    alice = api("alice")
    for amount in ("987654321098765.43", "987654321098765.44"):
        alice.create_contract(amount=amount)
    found = alice.get("/api/v1/contracts?amount_min=987654321098765.44").get_json()["items"]
    assert [c["amount"] for c in found] == ["987654321098765.44"]
