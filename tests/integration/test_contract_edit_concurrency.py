"""Concurrent edits on PostgreSQL: 200/201 or 409 concurrent_update, never 500."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from werkzeug.test import TestResponse

from tests.contracts.documents.samples import make_pdf
from tests.factories import ApiClient, race

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


def test_twenty_parallel_new_versions_of_one_document_get_their_own_numbers(
    make_app, api_for, tmp_path
):
    app = make_app(INSTANCE_DIR=tmp_path)
    api = api_for(app)
    alice = api("alice")
    contract = alice.create_contract()
    first = alice.client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(make_pdf(["Parallel versions"])), "v.pdf")},
        headers=alice._headers(),
        content_type="multipart/form-data",
    )
    assert first.status_code == 201, first.get_json()
    document_id = first.get_json()["id"]

    def new_version(client: ApiClient, index: int) -> TestResponse:
        return client.client.post(
            f"/api/v1/documents/{document_id}/versions",
            data=make_pdf([f"Parallel version {index}"]),
            headers={
                **client._headers(),
                "X-Filename": f"v{index}.pdf",
                "Content-Type": "application/octet-stream",
            },
        )

    responses = race([lambda c=c, i=i: new_version(c, i) for i, c in enumerate(racers(app, api))])
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, [r.get_json() for r in responses]
    created = sorted(r.get_json()["number"] for r in responses if r.status_code == 201)
    assert created == list(range(2, 2 + len(created)))
    versions = alice.get(f"/api/v1/documents/{document_id}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, *created]
    files = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(files) == len(versions)
