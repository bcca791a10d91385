"""Contracts API: validation, permissions, states, filters."""

from __future__ import annotations

import pytest

from tests.factories import contract_payload


def test_no_token_is_401_with_json_error(client):
    response = client.get("/api/v1/contracts")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_bad_password_is_401(client):
    response = client.post("/api/v1/auth/token", json={"username": "alice", "password": "nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "authentication_failed"


def test_garbage_token_is_401(client):
    response = client.get("/api/v1/contracts", headers={"Authorization": "Bearer cf_forged"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contract_type": "lease"}, "contract_type"),
        ({"department": "marketing"}, "department"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"effective_date": "2027-06-30", "expiry_date": "2027-01-01"}, "expiry_date"),
        ({"expiry_date": "30/06/2027"}, "expiry_date"),
        ({"title": ""}, "title"),
        ({"tags": "a,b"}, "tags"),
        ({"notice_days": -1}, "notice_days"),
        ({"auto_renew": "yes"}, "auto_renew"),
        ({"status": "approved"}, "status"),
    ],
)
def test_bad_field_is_422_naming_the_field(api, overrides, field):
    response = api("alice").post("/api/v1/contracts", json=contract_payload(**overrides))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["details"], error


def test_every_bad_and_missing_field_is_named_at_once(api):
    response = api("alice").post(
        "/api/v1/contracts", json={"contract_type": "lease", "amount": "-1", "currency": "ABC"}
    )
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert {"title", "contract_type", "amount", "currency", "department", "counterparty"} <= set(
        details
    )


def test_malformed_json_is_400_and_wrong_type_is_415(api):
    alice = api("alice")
    headers = {"Authorization": f"Bearer {alice.token}", "Content-Type": "application/json"}
    assert (
        alice.client.post("/api/v1/contracts", data="{not json", headers=headers).status_code == 400
    )
    response = alice.client.post(
        "/api/v1/contracts", data="title=x", headers={"Authorization": f"Bearer {alice.token}"}
    )
    assert response.status_code == 415


def test_nothing_is_stored_when_input_is_invalid(api):
    alice = api("alice")
    before = alice.get("/api/v1/contracts").get_json()["total"]
    alice.post("/api/v1/contracts", json=contract_payload(amount="-1"))
    assert alice.get("/api/v1/contracts").get_json()["total"] == before


def test_drafting_for_another_department_is_403(api):
    response = api("alice").post(
        "/api/v1/contracts", json=contract_payload(department="procurement")
    )
    assert response.status_code == 403


def test_other_department_cannot_see_or_edit(api):
    contract = api("alice").create_contract()
    frank = api("frank")
    assert frank.get(f"/api/v1/contracts/{contract['id']}").status_code == 404
    assert (
        frank.patch(f"/api/v1/contracts/{contract['id']}", json={"title": "x"}).status_code == 404
    )
    assert contract["id"] not in [
        c["id"] for c in frank.get("/api/v1/contracts").get_json()["items"]
    ]
    # Legal sees every department.
    assert api("carol").get(f"/api/v1/contracts/{contract['id']}").status_code == 200


def test_patch_is_partial_and_recomputes_cny(api):
    alice = api("alice")
    contract = alice.create_contract(amount="1000.00", currency="USD")
    response = alice.patch(f"/api/v1/contracts/{contract['id']}", json={"amount": "2000.00"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["amount"], body["currency"], body["amount_cny"]) == ("2000.00", "USD", "14200.00")
    assert body["title"] == contract["title"]


def test_patch_in_review_is_409_and_submit_twice_is_409(api):
    alice = api("alice")
    contract = alice.create_contract()
    alice.submit(contract["id"])
    assert (
        alice.patch(f"/api/v1/contracts/{contract['id']}", json={"title": "x"}).status_code == 409
    )
    again = alice.post(f"/api/v1/contracts/{contract['id']}/submit")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "contract_state"


def test_list_filters(api):
    alice = api("alice")
    small = alice.create_contract(title="Small widgets", amount="100.00", tags=["widgets"])
    big = alice.create_contract(
        title="Big gadgets", amount="900000.00", counterparty="Globex", expiry_date="2030-01-01"
    )
    alice.submit(big["id"])

    def ids(query: str) -> list[int]:
        response = alice.get(f"/api/v1/contracts?{query}")
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()["items"]]

    assert ids("q=widgets") == [small["id"]]
    assert ids("q=globex") == [big["id"]]
    assert ids(f"q={big['number']}") == [big["id"]]
    assert ids("status=in_review") == [big["id"]]
    assert ids("tag=widgets") == [small["id"]]
    assert ids("amount_min=500000") == [big["id"]]
    assert ids("amount_max=500") == [small["id"]]
    assert ids("expires_after=2029-01-01") == [big["id"]]
    assert ids("contract_type=sales&department=sales") == [big["id"], small["id"]]
    page = alice.get("/api/v1/contracts?per_page=1&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (2, 2, 1, 1)


def test_bad_query_parameters_are_422(api):
    response = api("alice").get("/api/v1/contracts?amount_min=abc&page=0&status=nope")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) == {"amount_min", "page", "status"}


def test_login_is_throttled_after_repeated_failures(client):
    for _ in range(5):
        bad = client.post("/api/v1/auth/token", json={"username": "dave", "password": "guess"})
        assert bad.status_code == 401
    blocked = client.post("/api/v1/auth/token", json={"username": "dave", "password": "demo1234"})
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "too_many_attempts"
    # Other users are not affected.
    assert (
        client.post(
            "/api/v1/auth/token", json={"username": "erin", "password": "demo1234"}
        ).status_code
        == 200
    )


def test_patch_with_the_same_and_changed_tags(api):
    alice = api("alice")
    contract = alice.create_contract(tags=["crm", "renewal"])
    path = f"/api/v1/contracts/{contract['id']}"
    same = alice.patch(path, json={"tags": ["renewal", "crm"]})
    assert same.status_code == 200 and same.get_json()["tags"] == ["crm", "renewal"]
    changed = alice.patch(path, json={"tags": ["crm", "vip"]})
    assert changed.status_code == 200 and changed.get_json()["tags"] == ["crm", "vip"]
    assert alice.get("/api/v1/contracts?tag=renewal").get_json()["total"] == 0


def test_list_filters_by_effective_dates_and_owner(api):
    alice, bob = api("alice"), api("bob")
    early = alice.create_contract(title="Early", effective_date="2027-01-01")
    late = alice.create_contract(title="Late", effective_date="2027-09-01")
    bobs = bob.create_contract(title="Bobs", effective_date="2027-05-01")

    def ids(query: str) -> set[int]:
        response = bob.get(f"/api/v1/contracts?{query}")
        assert response.status_code == 200, response.get_json()
        return {c["id"] for c in response.get_json()["items"]}

    assert ids("effective_after=2027-04-01") == {late["id"], bobs["id"]}
    assert ids("effective_after=2027-01-01&effective_before=2027-05-01") == {
        early["id"],
        bobs["id"],
    }
    assert ids("owner=alice") == {early["id"], late["id"]}
    assert ids("owner=nobody") == set()


def test_reversed_ranges_are_422_naming_the_end(api):
    response = api("alice").get(
        "/api/v1/contracts?amount_min=10&amount_max=1&expires_after=2028-01-01"
        "&expires_before=2027-01-01&effective_after=x"
    )
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert set(details) == {"amount_max", "expires_before", "effective_after"}


def test_the_list_filters_are_documented(api):
    spec = api("alice").get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/contracts"]["get"]["parameters"]}
    assert {"owner", "effective_after", "effective_before"} <= names
