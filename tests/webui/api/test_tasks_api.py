"""Tasks API: who may act, form validation, conflicts."""

from __future__ import annotations

import pytest

from tests.factories import add_user


def _submitted(api, **overrides):
    contract = api("alice").create_contract(**overrides)
    api("alice").submit(contract["id"])
    return contract


def test_task_detail_has_form_and_contract(api):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    detail = api("bob").get(f"/api/v1/tasks/{task['id']}").get_json()
    assert detail["form"]["properties"]["decision"]["enum"] == ["approve", "reject"]
    assert detail["contract"]["number"] == contract["number"]
    assert detail["candidate_groups"] == ["dept_manager:sales"]
    assert detail["due_at"] is not None


def test_non_candidate_gets_403_and_nothing_changes(api):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    assert api("carol").get(f"/api/v1/tasks/{task['id']}").status_code == 403
    response = api("carol").complete(task["id"], {"decision": "approve"})
    assert response.status_code == 403
    assert api("bob").task_for(contract["id"])["id"] == task["id"]


def test_completing_twice_is_409(api):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    assert api("bob").complete(task["id"], {"decision": "approve"}).status_code == 200
    again = api("bob").complete(task["id"], {"decision": "approve"})
    assert again.status_code == 409


def test_reject_without_comment_is_422_and_records_nothing(api):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    for data in ({"decision": "reject"}, {"decision": "reject", "comment": "   "}):
        response = api("bob").complete(task["id"], data)
        assert response.status_code == 422
        assert "comment" in response.get_json()["error"]["details"]
    timeline = api("alice").get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    assert [e["action"] for e in timeline] == ["submitted"]


def test_tampered_form_data_is_422(api):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    cases = [
        ({"decision": "maybe"}, "decision"),
        ({"decision": 1}, "decision"),
        ({"decision": "approve", "amount": "1"}, "amount"),
        ({"comment": "no decision"}, "decision"),
        ({"decision": "approve", "comment": "x" * 5000}, "comment"),
    ]
    for data, field in cases:
        response = api("bob").complete(task["id"], data)
        assert response.status_code == 422, data
        assert field in response.get_json()["error"]["details"], (data, response.get_json())
    assert (
        api("bob")
        .post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"})
        .status_code
        == 422
    )


def test_claim_and_claim_conflict(api, app):
    add_user(app, "lena", roles=["legal"], groups=["legal"])
    contract = _submitted(api, amount="500000.00")
    api("bob").approve(contract["id"])
    task = api("carol").task_for(contract["id"])
    assert api("lena").task_for(contract["id"])["id"] == task["id"]

    claimed = api("carol").post(f"/api/v1/tasks/{task['id']}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "carol"
    mine = api("carol").get("/api/v1/tasks?scope=mine").get_json()["items"]
    assert [t["id"] for t in mine] == [task["id"]]
    assert api("carol").get("/api/v1/tasks?scope=groups").get_json()["total"] == 0
    # Another member of the group can neither take it over nor complete it.
    assert api("lena").task_for(contract["id"]) is None
    assert api("lena").post(f"/api/v1/tasks/{task['id']}/claim").status_code == 409
    assert api("lena").complete(task["id"], {"decision": "approve"}).status_code == 409

    unclaimed = api("carol").post(f"/api/v1/tasks/{task['id']}/unclaim")
    assert unclaimed.status_code == 200 and unclaimed.get_json()["assignee"] is None
    assert api("lena").approve(contract["id"])["task"]["assignee"] == "lena"


def test_filters_on_tasks(api):
    sales = _submitted(api)
    bob = api("bob")
    assert bob.get("/api/v1/tasks?contract_type=nda").get_json()["total"] == 0
    assert bob.get("/api/v1/tasks?contract_type=sales").get_json()["total"] == 1
    assert (
        bob.get("/api/v1/tasks?department=sales").get_json()["items"][0]["contract_id"]
        == sales["id"]
    )
    assert bob.get("/api/v1/tasks?overdue=true").get_json()["total"] == 0
    assert bob.get("/api/v1/tasks?scope=everything").status_code == 422


# -- tabs, filters, delegate, comment --------------------------------------------------


def test_list_filters_search_and_sort_over_the_api(api):
    small = _submitted(api, title="Paper", amount="5000.00")
    large = _submitted(api, title="Lease", amount="90000.00", counterparty="Lease Partners")
    bob = api("bob")
    by_amount = bob.get("/api/v1/tasks?sort=-amount").get_json()
    assert [t["contract_number"] for t in by_amount["items"]] == [large["number"], small["number"]]
    found = bob.get("/api/v1/tasks?q=lease%20partners").get_json()
    assert found["total"] == 1 and found["items"][0]["contract_number"] == large["number"]
    ranged = bob.get("/api/v1/tasks?amount_min=1000&amount_max=6000&due=week").get_json()
    assert [t["contract_number"] for t in ranged["items"]] == [small["number"]]
    counts = bob.get("/api/v1/tasks/counts").get_json()
    assert counts == {"mine": 0, "groups": 2, "completed": 0, "started": 0}
    assert api("alice").get("/api/v1/tasks?scope=started").get_json()["total"] == 2


def test_bad_list_parameters_are_422_naming_each(api):
    response = api("bob").get("/api/v1/tasks?scope=x&amount_max=y&sort=z&due=never")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) == {"scope", "amount_max", "sort", "due"}


def test_completed_scope_over_the_api(api):
    contract = _submitted(api)
    api("bob").approve(contract["id"])
    done = api("bob").get("/api/v1/tasks?scope=completed").get_json()
    assert done["total"] == 1 and done["items"][0]["status"] == "completed"


def test_delegate_and_comment_over_the_api(api, app):
    add_user(app, "bert", roles=["dept_manager"], groups=["dept_manager:sales"])
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    url = f"/api/v1/tasks/{task['id']}"
    commented = api("bob").post(f"{url}/comments", {"comment": "Looking at §4"})
    assert commented.status_code == 201
    refused = api("bob").post(f"{url}/delegate", {"to": "carol"})
    assert refused.status_code == 422 and "to" in refused.get_json()["error"]["details"]
    delegated = api("bob").post(f"{url}/delegate", {"to": "bert", "note": "yours"})
    assert delegated.status_code == 200 and delegated.get_json()["assignee"] == "bert"
    assert api("bob").post(f"{url}/delegate", {"to": "bob"}).status_code == 409
    timeline = api("alice").get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()
    actions = [(e["action"], e["comment"]) for e in timeline["items"]]
    assert ("commented", "Looking at §4") in actions and ("delegated", "yours") in actions


@pytest.mark.parametrize(
    "body", [{"comment": ""}, {"comment": "x" * 4001}, {"comment": 5}, {}, {"comment": ["a"]}]
)
def test_bad_comments_are_422(api, body):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    response = api("bob").post(f"/api/v1/tasks/{task['id']}/comments", body)
    assert response.status_code == 422
    assert "comment" in response.get_json()["error"]["details"]


def test_strangers_cannot_comment_or_delegate(api):
    contract = _submitted(api)
    task = api("bob").task_for(contract["id"])
    url = f"/api/v1/tasks/{task['id']}"
    assert api("carol").post(f"{url}/comments", {"comment": "hi"}).status_code == 403
    assert api("carol").post(f"{url}/delegate", {"to": "carol"}).status_code == 403


def test_the_openapi_document_lists_the_new_parameters_and_endpoints(api):
    spec = api("bob").get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert {"q", "amount_min", "amount_max", "sort", "due", "scope"} <= names
    assert "/api/v1/tasks/{task_id}/delegate" in spec["paths"]
    assert "/api/v1/tasks/{task_id}/comments" in spec["paths"]
