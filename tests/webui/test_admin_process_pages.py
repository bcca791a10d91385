"""Process admin pages: only process admins get in; each page renders its script's config."""

from __future__ import annotations

import html
import json
import re

import pytest
from flask.testing import FlaskClient

from tests.factories import DEMO_PASSWORD

PAGES = {
    "/admin/processes/": ("processes", "process-viewer"),
    "/admin/processes/contract_approval/versions/1/edit": ("modeler", "process-modeler"),
    "/admin/processes/routing": ("routing", "dmn-modeler"),
    "/admin/processes/contract_approval/heatmap": ("heatmap", "process-viewer"),
    "/admin/processes/import": ("import", "process-viewer"),
    "/admin/instances/": ("instances", "process-viewer"),
    "/admin/instances/1": ("instance", "process-viewer"),
}


def login(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def data_attribute(page: str, name: str) -> dict:
    found = re.search(rf"{name}='([^']*)'", page)
    assert found, f"no {name} attribute"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_users_are_sent_to_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "integrator"])
@pytest.mark.parametrize("path", PAGES)
def test_other_roles_get_403(client: FlaskClient, username: str, path: str) -> None:
    login(client, username)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_admin_pages_render_with_their_bundle_and_config(client: FlaskClient, path: str) -> None:
    login(client, "admin")
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    name, bundle = PAGES[path]
    assert f'data-page="{name}"' in page
    assert f"/static/dist/{bundle}.js" in page
    assert f"/static/dist/{bundle}.css" in page
    config = data_attribute(page, "data-config")
    assert config["csrfToken"]
    assert config["api"]["list"] == "/api/v1/admin/processes"
    assert "{key}" in config["pages"]["modeler"] and "{version}" in config["pages"]["modeler"]
    assert data_attribute(page, "data-labels")["deployed"]
    assert "<script>" not in page  # CSP: scripts come from files only


def test_modeler_page_lists_operators_and_form_files(client: FlaskClient) -> None:
    login(client, "admin")
    page = client.get("/admin/processes/contract_approval/versions/3/edit").get_data(as_text=True)
    config = data_attribute(page, "data-config")
    assert config["key"] == "contract_approval"
    assert config["version"] == 3
    assert "contracts/SetStatus" in config["operators"]
    assert "approval.schema.json" in config["forms"]
    assert "approval.uischema.json" in config["forms"]
    labels = data_attribute(page, "data-labels")
    assert labels["laneHint"] and labels["candidateGroups"]


def test_routing_page_offers_the_contract_choices(client: FlaskClient) -> None:
    login(client, "admin")
    page = client.get("/admin/processes/routing").get_data(as_text=True)
    assert data_attribute(page, "data-config")["dmnFile"] == "approval_routing.dmn"
    assert 'name="contract_type"' in page and '<option value="sales">' in page
    assert 'name="department"' in page and 'name="contract_id"' in page


def test_instance_page_knows_its_id(client: FlaskClient) -> None:
    login(client, "admin")
    page = client.get("/admin/instances/42").get_data(as_text=True)
    assert data_attribute(page, "data-config")["id"] == 42


def test_admin_nav_only_for_process_admins(client: FlaskClient) -> None:
    # The top bar's Admin link opens the installation overview, which links the processes.
    login(client, "admin")
    assert 'href="/admin"' in client.get("/inbox/").get_data(as_text=True)
    assert 'href="/admin/processes/"' in client.get("/admin").get_data(as_text=True)
    client.post("/logout")
    login(client, "alice")
    assert 'href="/admin"' not in client.get("/inbox/").get_data(as_text=True)


def test_the_admin_menus_name_what_each_import_imports(client: FlaskClient) -> None:
    """One 'Import' imported contracts, another BPMN files: each now says which."""
    login(client, "admin")
    page = client.get("/admin/processes/").get_data(as_text=True)
    links = re.findall(r"<a href=\"[^\"]+\"[^>]*>\s*([^<]+?)\s*</a>", page)
    assert "Import contracts" in links and "Import BPMN" in links
    assert "Import" not in links
