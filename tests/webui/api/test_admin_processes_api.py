"""Process administration through the API: deploy, versions, compare, redeploy, import,
routing simulator, instance actions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.factories import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = ROOT / "processes"
CORPUS = ROOT / "tests" / "fixtures" / "bpmn-corpus" / "miwg"


def _bundle(**replace: str) -> dict[str, str]:
    names = ("contract_approval.bpmn", "approval_routing.dmn")
    files = {name: (PROCESSES / name).read_text() for name in names}
    for old, new in replace.items():
        files = {n: t.replace(old, new) for n, t in files.items()}
    return files


def test_only_process_admins_may_manage_processes(api):
    assert api("alice").get("/api/v1/admin/processes").status_code == 403
    assert api("admin").get("/api/v1/admin/processes").status_code == 200


def test_deploy_compare_and_redeploy(api):
    admin = api("admin")
    files = _bundle(**{'name="Approve contract"': 'name="Approve the contract"'})
    response = admin.post("/api/v1/admin/processes/deploy", json={"files": files, "note": "rename"})
    assert response.status_code == 201, response.get_json()
    [deployed] = response.get_json()["deployed"]
    new = deployed["version"]
    assert deployed["note"] == "rename" and deployed["deployed_by"] == "admin"
    versions = admin.get("/api/v1/admin/processes/contract_approval/versions").get_json()["items"]
    assert [v["version"] for v in versions][0] == new
    diff = admin.get(f"/api/v1/admin/processes/contract_approval/compare?from={new - 1}&to={new}")
    changed = {c["element_id"]: c["aspects"] for c in diff.get_json()["changed"]}
    assert changed == {"approve_contract": ["name"]}
    back = admin.post(f"/api/v1/admin/processes/contract_approval/versions/{new - 1}/redeploy")
    assert back.status_code == 201
    assert back.get_json()["note"] == f"redeployed from v{new - 1}"
    assert back.get_json()["version"] == new + 1


def test_deploy_refuses_lint_errors_with_the_element(api):
    files = _bundle(**{'id="tasks/Remind"': 'id="tasks/Nope"'})
    response = api("admin").post("/api/v1/admin/processes/deploy", json={"files": files})
    assert response.status_code == 422
    [problem] = response.get_json()["error"]["details"]
    assert problem["element_id"] == "remind_approver"
    check = api("admin").post("/api/v1/admin/processes/validate", json={"files": files})
    assert check.get_json()["valid"] is False


def test_a_running_instance_keeps_its_version_and_can_be_migrated(api):
    contract = api("alice").create_contract()
    api("alice").submit(contract["id"])
    admin = api("admin")
    [item] = admin.get("/api/v1/admin/instances?key=contract_approval").get_json()["items"]
    files = _bundle(**{'name="Approve contract"': 'name="Approve the contract"'})
    assert admin.post("/api/v1/admin/processes/deploy", json={"files": files}).status_code == 201
    detail = admin.get(f"/api/v1/admin/instances/{item['id']}").get_json()
    assert detail["version"] == item["version"]
    assert detail["elements"]["active"] == ["approve_contract"]
    dry = admin.get(f"/api/v1/admin/instances/{item['id']}/migration").get_json()
    assert dry["safe"] is True, dry
    migrated = admin.post(f"/api/v1/admin/instances/{item['id']}/migrate")
    assert migrated.status_code == 200, migrated.get_json()
    assert api("bob").task_for(contract["id"])["name"] == "Approve the contract"
    again = admin.post(f"/api/v1/admin/instances/{item['id']}/migrate")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "migration_unsafe"


def test_suspend_blocks_completion_then_terminate(api):
    contract = api("alice").create_contract()
    api("alice").submit(contract["id"])
    admin = api("admin")
    [item] = admin.get("/api/v1/admin/instances?status=running").get_json()["items"]
    assert admin.post(f"/api/v1/admin/instances/{item['id']}/suspend").status_code == 200
    task = api("bob").task_for(contract["id"])
    blocked = api("bob").complete(task["id"], {"decision": "approve", "comment": "ok"})
    assert blocked.status_code == 409
    done = admin.post(f"/api/v1/admin/instances/{item['id']}/terminate", json={"comment": "x"})
    assert done.get_json()["status"] == "terminated"
    assert api("bob").task_for(contract["id"]) is None


@pytest.mark.parametrize(
    ("contract_type", "department", "amount", "groups"),
    [
        ("nda", "sales", "5000000", ["legal"]),
        ("sales", "sales", "99999.99", ["dept_manager:sales"]),
        ("purchase", "procurement", "100000", ["dept_manager:procurement", "legal", "finance"]),
        ("sales", "sales", "1000000", ["dept_manager:sales", "legal", "finance"]),
        ("sales", "sales", "1000000.01", ["dept_manager:sales", "legal", "finance", "executive"]),
        ("service", "rd", "99999.99", ["dept_manager:rd", "legal"]),
    ],
)
def test_routing_simulator_follows_the_routing_table(
    api, contract_type, department, amount, groups
):
    body = {"contract_type": contract_type, "department": department, "amount": amount}
    response = api("admin").post("/api/v1/admin/routing/simulate", json=body)
    assert response.status_code == 200, response.get_json()
    assert [a["group"] for a in response.get_json()["approvers"]] == groups


def test_routing_simulator_with_a_draft_threshold(api):
    dmn = (PROCESSES / "approval_routing.dmn").read_text()
    draft = dmn.replace("&gt; 1000000", "&gt; 500000").replace("&lt;= 1000000", "&lt;= 500000")
    body = {"contract_type": "sales", "department": "sales", "amount": "600000", "dmn": draft}
    response = api("admin").post("/api/v1/admin/routing/simulate", json=body)
    assert response.get_json()["source"] == "draft"
    assert [a["role"] for a in response.get_json()["approvers"]][-1] == "executive"


def test_import_answers_what_is_missing(api):
    data = (CORPUS / "A.1.0.bpmn").read_bytes()
    response = api("admin").client.post(
        "/api/v1/admin/processes/import",
        data={"file": (io.BytesIO(data), "A.1.0.bpmn")},
        headers={"Authorization": f"Bearer {api('admin').token}"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "incomplete"
    assert response.get_json()["missing"][0]["element_id"] == "WFP-6-"


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"x" * (50 * 1024 * 1024), "application/xml", 413),
        (b"%PDF-1.4", "application/xml", 415),
        (
            b'<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><d>&b;</d>',
            "application/xml",
            422,
        ),
        (b"<definitions", "application/xml", 422),
        (b"{}", "application/json", 415),
    ],
)
def test_bad_imports_are_refused(api, data, content_type, status):
    admin = api("admin")
    response = admin.client.post(
        "/api/v1/admin/processes/import",
        data=data,
        headers={"Authorization": f"Bearer {admin.token}"},
        content_type=content_type,
    )
    assert response.status_code == status, response.get_json()


def test_saved_routing_cases_must_pass_before_a_routing_dmn_deploys(api):
    admin = api("admin")
    case = {
        "name": "600k sales",
        "inputs": {"contract_type": "sales", "department": "sales", "amount": "600000"},
        "expected": ["dept_manager", "legal", "finance"],
    }
    saved = admin.post("/api/v1/admin/routing/cases", json=case)
    assert saved.status_code == 201, saved.get_json()
    assert [c["name"] for c in admin.get("/api/v1/admin/routing/cases").get_json()["items"]] == [
        "600k sales"
    ]
    lowered = _bundle(**{"&gt; 1000000": "&gt; 500000", "&lt;= 1000000": "&lt;= 500000"})
    check = admin.post("/api/v1/admin/processes/validate", json={"files": lowered}).get_json()
    assert check["valid"] is False
    assert [p["rule"] for p in check["problems"]] == ["routing_case"]
    refused = admin.post("/api/v1/admin/processes/deploy", json={"files": lowered})
    assert refused.status_code == 422
    assert "600k sales" in refused.get_json()["error"]["details"][0]["message"]
    case_id = saved.get_json()["id"]
    assert (
        admin.client.delete(
            f"/api/v1/admin/routing/cases/{case_id}",
            headers={"Authorization": f"Bearer {admin.token}"},
        ).status_code
        == 204
    )
    deployed = admin.post("/api/v1/admin/processes/deploy", json={"files": lowered})
    assert deployed.status_code == 201, deployed.get_json()


def test_admin_actions_are_audited(api, app):
    from sqlalchemy import select

    from contracts.audit.models import AuditEntry
    from webui.extensions import db

    contract = api("alice").create_contract()
    api("alice").submit(contract["id"])
    admin = api("admin")
    [item] = admin.get("/api/v1/admin/instances").get_json()["items"]
    admin.post(f"/api/v1/admin/instances/{item['id']}/suspend", json={"comment": "hold"})
    admin.post(f"/api/v1/admin/instances/{item['id']}/resume")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor == "admin")
        ).all()
    assert ["instance.suspend", "instance.resume"] == [a for a in actions if "instance" in a]


def test_process_admin_api_needs_the_processes_scope_on_integration_tokens(app, client):
    from sqlalchemy import select

    from contracts.identity import accounts
    from contracts.identity.models import User
    from webui.extensions import db

    with app.app_context():
        admin = db.session.scalars(select(User).where(User.username == "admin")).one()
        assert "processes:admin" in accounts.scopes_for(admin)
        carol = db.session.scalars(select(User).where(User.username == "carol")).one()
        assert "processes:admin" not in accounts.scopes_for(carol)
        narrow, _ = accounts.create_integration_token(
            db.session,
            admin,
            name="read contracts",
            scopes=["contracts:read"],
            days=1,
            password=DEMO_PASSWORD,
        )
        wide, _ = accounts.create_integration_token(
            db.session,
            admin,
            name="process admin",
            scopes=["processes:admin"],
            days=1,
            password=DEMO_PASSWORD,
        )
        db.session.commit()
    refused = client.get("/api/v1/admin/processes", headers={"Authorization": f"Bearer {narrow}"})
    assert refused.status_code == 403
    allowed = client.get("/api/v1/admin/processes", headers={"Authorization": f"Bearer {wide}"})
    assert allowed.status_code == 200


def test_bad_timestamps_in_admin_filters_are_422_naming_the_parameter(api):
    admin = api("admin")
    listed = admin.get("/api/v1/admin/instances?started_after=yesterday&started_before=2027-01-01")
    assert listed.status_code == 422
    assert set(listed.get_json()["error"]["details"]) == {"started_after"}
    heatmap = admin.get("/api/v1/admin/processes/contract_approval/heatmap?since=soon")
    assert heatmap.status_code == 422
    assert "since" in heatmap.get_json()["error"]["details"]
    assert admin.get("/api/v1/admin/instances?started_after=2026-01-01T08:00").status_code == 200
