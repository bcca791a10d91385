"""A scoped bearer token reaches the JSON API only, within its scopes; it never mints another.

Written from the attacker's side: a `contracts:read` token tried against the
HTML pages, their POST forms and the token page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from contracts.core.models import Contract
from contracts.identity.models import ApiToken
from tests.conftest import make_app
from tests.factories import DEMO_PASSWORD
from tests.webui.test_pages import TOKEN, contract_form
from webui.extensions import db

# API endpoints anyone may call: the API description, the password exchange, signed webhooks.
PUBLIC_API = {"/api/v1/openapi.json", "/api/v1/auth/token", "/api/v1/webhooks/<connector>"}


def sign_in(client, username: str = "alice"):
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def new_token(client, scopes: list[str], name: str = "reader") -> str:
    response = client.post(
        "/account/tokens",
        data={"name": name, "scopes": scopes, "days": "30", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 201, response.text
    return re.search(r'id="new-token">(cf_[^<]+)<', response.text).group(1)


@pytest.fixture
def read_only(client) -> dict[str, str]:
    """Alice's bearer header for a `contracts:read` token."""
    return {"Authorization": f"Bearer {new_token(sign_in(client), ['contracts:read'])}"}


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_read_token_still_reads_the_api(app, read_only):
    assert app.test_client().get("/api/v1/contracts", headers=read_only).status_code == 200


@pytest.mark.parametrize(
    "path", ["/inbox/", "/contracts/", "/account/tokens", "/inbox/notifications"]
)
def test_a_bearer_token_opens_no_page(app, read_only, path):
    response = app.test_client().get(path, headers=read_only)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response.location.startswith("/login")


def test_a_sign_in_token_with_all_rights_opens_no_page_either(app, api):
    bearer = {"Authorization": f"Bearer {api('alice').token}"}
    assert app.test_client().get("/inbox/", headers=bearer).status_code == 302


def test_a_read_token_cannot_create_a_contract_through_the_form(app, read_only):
    before = count(app, Contract)
    response = app.test_client().post("/contracts/new", data=contract_form(), headers=read_only)
    assert response.status_code == 302 and response.location.startswith("/login")
    assert count(app, Contract) == before


def test_a_read_token_cannot_edit_a_contract_through_the_form(app, api, read_only):
    contract = api("alice").create_contract(title="Original title")
    response = app.test_client().post(
        f"/contracts/{contract['id']}/edit",
        data=contract_form(title="Changed by a read token"),
        headers=read_only,
    )
    assert response.status_code == 302 and response.location.startswith("/login")
    after = api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()
    assert after["title"] == "Original title"


def test_a_read_token_cannot_mint_a_write_token(app, read_only):
    before = count(app, ApiToken)
    response = app.test_client().post(
        "/account/tokens",
        data={
            "name": "x",
            "scopes": "contracts:write",
            "days": "365",
            "password": DEMO_PASSWORD,
        },
        headers=read_only,
    )
    assert response.status_code in (302, 401)
    assert count(app, ApiToken) == before


@pytest.mark.parametrize("path", ["/account/password", "/account/sign-out-everywhere", "/logout"])
def test_a_read_token_cannot_post_the_account_forms(app, read_only, path):
    form = {"current": DEMO_PASSWORD, "new": "taken-over-account", "confirm": "taken-over-account"}
    response = app.test_client().post(path, data=form, headers=read_only)
    assert response.status_code == 302 and response.location.startswith("/login")
    assert app.test_client().get("/api/v1/contracts", headers=read_only).status_code == 200


def test_a_bearer_header_does_not_lift_csrf_on_pages(template_db, tmp_path: Path):
    """A signed-in browser plus any bearer header: the page form still needs its CSRF token."""
    path = tmp_path / "csrf.db"
    path.write_bytes(Path(template_db).read_bytes())
    app = make_app(path, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    csrf = TOKEN.search(client.get("/login").text).group(1)
    form = {"username": "alice", "password": DEMO_PASSWORD, "csrf_token": csrf}
    assert client.post("/login", data=form).status_code == 302
    before = count(app, Contract)
    response = client.post(
        "/contracts/new", data=contract_form(), headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 400
    assert count(app, Contract) == before


def test_creating_a_token_needs_the_current_password(app, client):
    sign_in(client)
    form = {"name": "ERP", "scopes": ["contracts:read"], "days": "30"}
    missing = client.post("/account/tokens", data=form)
    wrong = client.post("/account/tokens", data={**form, "password": "not-my-password"})
    assert missing.status_code == wrong.status_code == 422
    assert "<strong>password</strong>" in wrong.text
    assert count(app, ApiToken) == 0
    assert client.post("/account/tokens", data={**form, "password": DEMO_PASSWORD}).status_code == (
        201
    )


def test_every_api_endpoint_declares_its_scope(app):
    from webui.api.spec import declared_access

    undeclared, public = [], set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        access = declared_access(app.view_functions[rule.endpoint])
        if access is None or (not access.public and not access.scope):
            undeclared.append(f"{sorted(rule.methods)} {rule.rule}")
        elif access.public:
            public.add(rule.rule)
    assert undeclared == []
    assert public == PUBLIC_API


def test_an_endpoint_added_around_the_registry_is_refused(app):
    """A view registered with a plain route under /api/v1 is closed to tokens and sessions."""
    app.add_url_rule("/api/v1/sneaky", "sneaky", lambda: {"secret": True})
    browser = sign_in(app.test_client())
    bearer = {"Authorization": f"Bearer {new_token(browser, ['contracts:read'])}"}
    for caller, headers in ((app.test_client(), bearer), (browser, {})):
        refused = caller.get("/api/v1/sneaky", headers=headers)
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "undeclared_endpoint"


def test_a_scope_is_required_when_an_operation_is_declared():
    from flask import Blueprint

    from webui.api.spec import operation

    with pytest.raises(ValueError, match="scope"):
        operation(
            Blueprint("x", __name__, url_prefix="/api/v1"),
            "/x",
            "GET",
            summary="x",
            tags=["untagged"],
            responses={200: None},
        )
