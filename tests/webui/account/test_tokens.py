"""API tokens: created with scopes (shown once), enforced, rate limited, revoked."""

from __future__ import annotations

import re

from sqlalchemy import select

from contracts.identity.models import ApiToken
from tests.factories import DEMO_PASSWORD
from webui.extensions import db


def signed_in(client, username: str):
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def create(client, name: str, scopes: list[str], days: int = 30) -> str:
    response = client.post(
        "/account/tokens",
        data={"name": name, "scopes": scopes, "days": str(days), "password": DEMO_PASSWORD},
    )
    assert response.status_code == 201, response.text
    return re.search(r'id="new-token">(cf_[^<]+)<', response.text).group(1)


def test_a_token_is_shown_once_and_stored_hashed(app, client):
    signed_in(client, "integrator")
    token = create(client, "ERP integration", ["contracts:read"])
    page = client.get("/account/tokens").text
    assert "ERP integration" in page and token not in page
    with app.app_context():
        row = db.session.scalars(select(ApiToken).where(ApiToken.name == "ERP integration")).one()
        assert row.token_hash != token and len(row.token_hash) == 64
        assert row.scopes == ["contracts:read"]


def test_scopes_are_enforced_for_tokens_only(app, client):
    signed_in(client, "alice")
    token = create(client, "reader", ["contracts:read"])
    bearer = {"Authorization": f"Bearer {token}"}
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/contracts", headers=bearer).status_code == 200
    refused = anonymous.post("/api/v1/contracts", json={}, headers=bearer)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "missing_scope"
    assert anonymous.get("/api/v1/tasks", headers=bearer).status_code == 403
    # The browser session of the same user is not scoped.
    assert client.get("/api/v1/tasks").status_code == 200


def test_admin_scopes_are_offered_to_admins_and_integrators_only(client):
    signed_in(client, "alice")
    assert "webhooks:admin" not in client.get("/account/tokens").text
    response = client.post(
        "/account/tokens", data={"name": "x", "scopes": ["webhooks:admin"], "days": "30"}
    )
    assert response.status_code == 422


def test_invalid_input_is_422_with_the_fields(client):
    signed_in(client, "alice")
    response = client.post("/account/tokens", data={"name": "", "days": "999"})
    assert response.status_code == 422
    for field in ("name", "scopes", "days"):
        assert f"<strong>{field}</strong>" in response.text


def test_a_revoked_token_no_longer_works(app, client):
    signed_in(client, "alice")
    token = create(client, "short-lived", ["contracts:read"])
    with app.app_context():
        token_id = db.session.scalars(
            select(ApiToken.id).where(ApiToken.name == "short-lived")
        ).one()
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/contracts", headers=bearer).status_code == 401
    assert "<td>short-lived</td>" not in client.get("/account/tokens").text


def test_rate_limit_answers_429_with_retry_after(app, client):
    app.config.update(API_RATE_LIMIT=3, API_RATE_WINDOW_SECONDS=60)
    signed_in(client, "alice")
    token = create(client, "busy", ["contracts:read"])
    bearer = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    statuses = [api.get("/api/v1/contracts", headers=bearer).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/api/v1/contracts", headers=bearer)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.get_json()["error"]["code"] == "rate_limited"
