"""Process admin pages in a real Chromium: modeler, DMN threshold change, instance, import."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO_ROOT, screenshot, sign_in
from tests.factories import DEMO_PASSWORD, contract_payload

pytestmark = pytest.mark.e2e

MIWG = REPO_ROOT / "tests" / "fixtures" / "bpmn-corpus" / "miwg"
FRONTEND_SRC = REPO_ROOT / "webui" / "frontend"
DIST = REPO_ROOT / "webui" / "static" / "dist"


@pytest.fixture(scope="module", autouse=True)
def bundles_up_to_date() -> None:
    """Rebuild the bundles when a source module is newer than them (make's stamp only
    watches package.json and build.mjs)."""
    newest_source = max(p.stat().st_mtime for p in FRONTEND_SRC.rglob("*") if p.is_file())
    built = DIST / "process-modeler.js"
    if not built.exists() or built.stat().st_mtime < newest_source:
        subprocess.run(["npm", "run", "--silent", "build"], cwd=REPO_ROOT, check=True)  # noqa: S607


def token(page, username: str) -> str:
    response = page.request.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.ok, response.text()
    return response.json()["token"]


def api_get(page, bearer: str, path: str) -> dict:
    response = page.request.get(path, headers={"Authorization": f"Bearer {bearer}"})
    assert response.ok, response.text()
    return response.json()


def api_post(page, bearer: str, path: str, body: dict) -> dict:
    response = page.request.post(path, data=body, headers={"Authorization": f"Bearer {bearer}"})
    assert response.ok, response.text()
    return response.json()


def wait_ready(page) -> None:
    page.wait_for_selector("#admin-app[data-state=ready]")


def test_modeler_draws_the_approval_process_and_its_spiff_properties(new_page):
    page = new_page()
    sign_in(page, "admin")
    page.click("nav >> text=Admin")  # the installation overview
    page.wait_for_url("**/admin")
    page.click("nav.subnav >> text=Processes")
    page.wait_for_selector("#definitions[data-state=ready]")
    screenshot(page, "admin-processes")
    card = page.locator(".cf-definition[data-key=contract_approval]")
    card.locator("a", has_text="Open").first.click()
    wait_ready(page)
    assert page.get_attribute("#admin-app", "data-import-warnings") == "0"
    assert page.locator(".djs-element[data-element-id=approve_contract]").is_visible()

    page.click(".djs-element[data-element-id=approve_contract]")
    page.wait_for_selector("[data-group-id=group-cf-user-task]")
    form = page.locator("[data-entry-id=cf-form-schema] select")
    assert form.input_value() == "approval.schema.json"
    groups = page.locator("[data-entry-id=cf-candidate-groups] input")
    assert groups.input_value() == "approver_group"
    screenshot(page, "modeler-user-task")
    groups.fill("'legal'")
    groups.press("Tab")

    page.click(".djs-element[data-element-id=load_contract]")
    operator = page.locator("[data-entry-id=cf-operator-name] select")
    assert operator.input_value() == "contracts/LoadContract"
    assert page.locator("[data-entry-id=cf-result-variable] input").input_value() == "contract"
    parameters = page.locator("[data-group-id=group-cf-parameters]")
    assert "contract_id" in parameters.inner_text()
    parameters.locator(".bio-properties-panel-add-entry").click()
    page.wait_for_selector("[data-entry-id=cf-param-1-id]")
    screenshot(page, "modeler-service-task")

    # (the right edge: the context pad of the previous selection covers the left one)
    box = page.locator(".djs-element[data-element-id=prepare_routing]").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.8)
    script = page.locator("[data-entry-id=cf-script-body] textarea").input_value()
    assert "amount_cny" in script
    assert page.locator("[data-entry-id=cf-pre-script]").count() == 1

    # Timers use bpmn-js's own timer entries (type + expression).
    page.click(".djs-element[data-element-id=sla_reminder]")
    timer = page.locator("[data-group-id=group-timer]")
    assert timer.locator("select").input_value() == "timeDuration"
    assert timer.locator("input").input_value() == "sla_period"

    xml = page.evaluate("window.cfModeler.saveXML().then((result) => result.xml)")
    assert '<spiffworkflow:property name="candidateGroups" value="&#39;legal&#39;" />' in xml
    assert '<spiffworkflow:parameter id="param_2" type="str" value="" />' in xml

    # A called decision that does not exist is shown on the diagram at its element.
    page.click(".djs-element[data-element-id=determine_approvers]")
    decision = page.locator("[data-entry-id=cf-called-decision] input")
    assert decision.input_value() == "approval_routing"
    decision.fill("no_such_decision")
    page.fill("#note", "e2e: break the decision on purpose")
    page.click("#deploy-form button[type=submit]")
    page.wait_for_selector("#admin-app[data-state=invalid]")
    badge = page.locator(".djs-overlay-container .cf-problem-badge").first
    assert badge.is_visible()
    assert "no_such_decision" in page.text_content("#problem-list")
    screenshot(page, "modeler-problem-on-diagram")


@pytest.mark.parametrize("path", ["/admin/processes/routing", "/admin/processes/"])
def test_the_editors_load_without_console_errors_or_failed_requests(new_page, path: str):
    page = new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    sign_in(page, "admin")
    page.goto(path)
    page.wait_for_load_state("networkidle")
    if path.endswith("routing"):
        wait_ready(page)
    assert problems == []


def test_dmn_threshold_changed_in_the_table_routes_new_contracts(new_page):
    page = new_page()
    sign_in(page, "admin")
    page.goto("/admin/processes/routing")
    wait_ready(page)
    cell = page.locator("td[data-element-id=rule_small_amount]")
    assert cell.inner_text().strip() == "< 100000"
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("< 500000")
    page.click("#dmn-source")  # leave the cell
    assert page.locator("td[data-element-id=rule_small_amount]").inner_text().strip() == "< 500000"

    # The simulator runs the draft in the editor.
    page.select_option("#sim-type", "sales")
    page.fill("#sim-amount", "300000")
    page.select_option("#sim-department", "sales")
    page.click("#simulate-form button[type=submit]")
    page.wait_for_selector("#approver-chain")
    assert page.locator("#approver-chain li").all_inner_texts() == ["dept_manager"]
    page.fill("#case-name", "Sales 300k: manager only")
    page.click("#save-case button[type=submit]")
    row = page.locator("#cases-body tr", has_text="Sales 300k: manager only")
    row.locator(".cf-pass").wait_for()
    screenshot(page, "dmn-threshold-changed")

    page.fill("#note", "CFO: up to 500,000 only the department manager")
    page.click("#deploy-form button[type=submit]")
    page.wait_for_selector("#admin-app[data-state=deployed]")
    assert "Deployed contract_approval v2" in page.text_content("#dmn-status")

    page.goto("/admin/processes/")
    page.wait_for_selector("#definitions[data-state=ready]")
    card = page.locator(".cf-definition[data-key=contract_approval]")
    assert "CFO: up to 500,000" in card.inner_text()
    page.select_option("#compare-key", "contract_approval")
    page.select_option("#compare-a", "1")
    page.select_option("#compare-b", "2")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#compare-diagram[data-state=ready]")
    assert "rule_small_amount" in page.text_content(".cf-diff-changed")
    screenshot(page, "compare-versions")

    # Alice's calls go through a context of her own (no admin session cookie).
    api_page = new_page()
    drafter = token(api_page, "alice")
    body = contract_payload(amount="300000.00")
    contract = api_post(api_page, drafter, "/api/v1/contracts", body)
    assert contract["owner"] == "alice"
    submitted = api_post(api_page, drafter, f"/api/v1/contracts/{contract['id']}/submit", {})
    instance_id = submitted["process_instance_id"]
    admin = token(page, "admin")
    instance = api_get(page, admin, f"/api/v1/admin/instances/{instance_id}")
    assert instance["data"]["approvers"] == ["dept_manager"]

    page.goto(f"/admin/instances/{instance_id}")
    wait_ready(page)
    active = page.locator(".djs-element.cf-active[data-element-id=approve_contract]")
    assert active.count() == 1
    assert page.locator(".djs-element.cf-completed").count() > 0
    assert '"dept_manager"' in page.text_content("#instance-data")
    screenshot(page, "instance-active-element")


def test_heatmap_and_instance_list_show_a_finished_approval(new_page):
    api_page = new_page()
    drafter, manager = token(api_page, "alice"), token(api_page, "bob")
    contract = api_post(api_page, drafter, "/api/v1/contracts", contract_payload())
    api_post(api_page, drafter, f"/api/v1/contracts/{contract['id']}/submit", {})
    tasks = api_get(api_page, manager, "/api/v1/tasks?per_page=100")["items"]
    (task,) = [t for t in tasks if t["contract_id"] == contract["id"]]
    body = {"data": {"decision": "approve", "comment": "fine"}}
    api_post(api_page, manager, f"/api/v1/tasks/{task['id']}/complete", body)

    page = new_page()
    sign_in(page, "admin")
    page.goto("/admin/instances/?key=contract_approval&status=completed")
    page.wait_for_selector("#instances-table[data-state=ready]")
    assert page.locator("#instances-body tr[data-instance-id]").count() == 1
    assert page.locator("#f-definition").input_value() == "contract_approval"
    screenshot(page, "instances-list")

    page.goto("/admin/processes/contract_approval/heatmap")
    wait_ready(page)
    badge = page.locator(".cf-heat-badge[data-bpmn-id=approve_contract]")
    assert "n=1" in badge.inner_text()
    assert "approve_contract" in page.text_content("#heatmap-body")
    screenshot(page, "heatmap")


def test_instance_repair_suspend_resume_and_migrate_after_a_dry_run(new_page):
    api_page = new_page()
    drafter, admin = token(api_page, "alice"), token(api_page, "admin")
    contract = api_post(api_page, drafter, "/api/v1/contracts", contract_payload())
    submitted = api_post(api_page, drafter, f"/api/v1/contracts/{contract['id']}/submit", {})
    instance_id = submitted["process_instance_id"]
    files = api_get(api_page, admin, "/api/v1/admin/processes/contract_approval/versions/1")[
        "files"
    ]
    files["contract_approval.bpmn"] = files["contract_approval.bpmn"].replace(
        'name="Approve contract"', 'name="Approve the contract"'
    )
    body = {"files": files, "note": "clearer task name"}
    assert api_post(api_page, admin, "/api/v1/admin/processes/deploy", body)["deployed"]

    page = new_page()
    sign_in(page, "admin")
    page.goto(f"/admin/instances/{instance_id}")
    wait_ready(page)
    assert page.is_disabled("[data-action=resume]")
    page.click("[data-action=suspend]")
    page.wait_for_selector("#instance-summary .cf-status-suspended")
    assert page.is_enabled("[data-action=resume]")
    page.click("[data-action=resume]")
    page.wait_for_selector("#instance-summary .cf-status-running")

    page.click("#migration-check")
    page.wait_for_selector("#migration-apply")
    assert "v1 → v2" in page.text_content("#migration-result")
    screenshot(page, "instance-migration-dry-run")
    page.click("#migration-apply")
    page.wait_for_selector("#migration-result .flash-success")
    page.wait_for_selector("#instance-title:has-text('v2')")
    assert page.locator(".djs-element.cf-active[data-element-id=approve_contract]").count() == 1


def test_import_refuses_a_file_that_is_not_bpmn(new_page, tmp_path: Path):
    bad = tmp_path / "broken.bpmn"
    bad.write_text("<definitions><unclosed></definitions>")
    page = new_page()
    sign_in(page, "admin")
    page.goto("/admin/processes/import")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#admin-app[data-state=done]")
    assert "Rejected" in page.text_content("#import-status")
    assert page.get_attribute("#import-diagram", "data-state") == "unreadable"


@pytest.mark.parametrize("name", ["A.1.0", "C.1.1"])
def test_import_miwg_file_shows_the_diagram_and_the_verdict(new_page, name: str):
    path = MIWG / f"{name}.bpmn"
    page = new_page()
    sign_in(page, "admin")
    page.goto("/admin/processes/import")
    page.set_input_files("#import-file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#admin-app[data-state=done]")
    assert page.get_attribute("#import-diagram", "data-state") == "ready"
    assert page.locator("#import-canvas .djs-element").count() > 1
    verdict = page.text_content("#import-status")
    missing = page.locator("#import-missing tr").count()
    assert re.search(r"Deployed \S+ v\d+", verdict) or missing > 0, verdict
    screenshot(page, f"import-{name}")


def test_the_scripts_name_shipped_processes_and_dmn_columns_in_chinese(new_page):
    page = new_page(locale="zh-CN")
    sign_in(page, "admin")
    page.goto("/admin/processes/routing")
    wait_ready(page)
    columns = page.locator("#dmn-columns")
    assert columns.is_visible()
    assert "金额（人民币）" in columns.inner_text() and "审批人（按顺序）" in columns.inner_text()
    page.goto("/admin/processes/")
    page.wait_for_selector("#definitions h2")
    headings = page.locator("#definitions h2").all_inner_texts()
    assert any(h.startswith("合同审批流程") for h in headings), headings


def test_the_decision_table_editor_speaks_chinese(new_page):
    page = new_page(locale="zh-CN")
    sign_in(page, "admin")
    page.goto("/admin/processes/routing")
    wait_ready(page)
    clauses = page.locator("#dmn-canvas th .clause").all_inner_texts()
    assert clauses[0] == "当" and clauses[-1] == "则" and "且" in clauses
    assert page.inner_text("#dmn-canvas .hit-policy").split() == ["命中策略：", "首个命中"]
    assert page.inner_text("#dmn-canvas .view-drd-button") == "查看决策需求图"
    screenshot(page, "desktop-routing-zh")
