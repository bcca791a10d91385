"""Tasks API: who may act, form validation, conflicts."""

from __future__ import annotations

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
