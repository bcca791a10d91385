"""The OpenAPI document covers the API, and real responses match their schemas."""

from __future__ import annotations

import jsonschema
import pytest

PROMISED = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/contracts"),
    ("get", "/api/v1/contracts"),
    ("get", "/api/v1/contracts/{contract_id}"),
    ("patch", "/api/v1/contracts/{contract_id}"),
    ("post", "/api/v1/contracts/{contract_id}/submit"),
    ("get", "/api/v1/contracts/{contract_id}/timeline"),
    ("get", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{task_id}"),
    ("post", "/api/v1/tasks/{task_id}/claim"),
    ("post", "/api/v1/tasks/{task_id}/complete"),
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_promised_endpoint_is_documented(document):
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert PROMISED <= documented
    assert document["openapi"].startswith("3.")


def _validator(document, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_responses_match_their_documented_schemas(document, api):
    alice = api("alice")
    contract = alice.create_contract(amount="2000000.00")
    _validator(document, "Contract").validate(contract)
    _validator(document, "ContractPage").validate(alice.get("/api/v1/contracts").get_json())
    alice.submit(contract["id"])
    tasks = api("bob").get("/api/v1/tasks").get_json()
    _validator(document, "TaskPage").validate(tasks)
    task_id = tasks["items"][0]["id"]
    _validator(document, "Task").validate(api("bob").get(f"/api/v1/tasks/{task_id}").get_json())
    _validator(document, "TaskCompleted").validate(api("bob").approve(contract["id"]))
    _validator(document, "Timeline").validate(
        alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()
    )
    error = alice.post("/api/v1/contracts", json={}).get_json()
    _validator(document, "Error").validate(error)


def test_refusals_lists_each_error_answer_in_the_order_given():
    from webui.api.spec import refusals

    assert list(refusals(422, 401, 404).items()) == [(422, None), (401, None), (404, None)]
