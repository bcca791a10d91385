"""Sessions end on the server: logout, sign out everywhere and a password change hold."""

from __future__ import annotations

import re

from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.identity.models import ApiToken
from tests.factories import DEMO_PASSWORD
from webui.extensions import db

NEW_PASSWORD = "a-much-longer-passphrase"


def sign_in(client, username: str = "alice", password: str = DEMO_PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.text
    return client


def is_signed_in(client) -> bool:
    return client.get("/inbox/").status_code == 200


def integration_token(client) -> str:
    response = client.post(
        "/account/tokens",
        data={"name": "ERP", "scopes": ["contracts:read"], "days": "30", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 201, response.text
    return re.search(r'id="new-token">(cf_[^<]+)<', response.text).group(1)


def api_status(app, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return app.test_client().get("/api/v1/contracts", headers=headers).status_code


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_cookie_replayed_after_logout_is_signed_out(app, client):
    sign_in(client)
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/inbox/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_signing_in_again_after_logout_works(client):
    sign_in(client)
    client.post("/logout")
    assert not is_signed_in(client)
    assert is_signed_in(sign_in(client))


def test_sign_in_tokens_are_listed_and_revocable(app, client, api):
    token = api("alice").token
    page = sign_in(client).get("/account/tokens").text
    assert "from sign-in" in page
    with app.app_context():
        rows = db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None)))
        (token_id,) = [row.id for row in rows if row.scopes == ["*"]]
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert api_status(app, token) == 401


def test_sign_out_everywhere_ends_every_session_and_sign_in_token(app, client, api):
    other_browser = sign_in(app.test_client())
    sign_in_token = api("alice").token
    sign_in(client)
    kept = integration_token(client)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert not is_signed_in(client) and not is_signed_in(other_browser)
    assert api_status(app, sign_in_token) == 401
    assert api_status(app, kept) == 200  # integration tokens are listed and revoked one by one
    assert "session.sign_out_everywhere" in actions(app)


def test_change_password_needs_the_current_one_and_matching_new_ones(app, client):
    sign_in(client)
    tries = [
        {"current": "wrong-password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
        {"current": DEMO_PASSWORD, "new": "short", "confirm": "short"},
    ]
    for form in tries:
        assert client.post("/account/password", data=form).status_code == 422
    assert "password.change" not in actions(app)
    assert is_signed_in(sign_in(app.test_client(), password=DEMO_PASSWORD))


def test_a_password_change_revokes_every_token_and_other_session(app, client, api):
    other_browser = sign_in(app.test_client())
    sign_in_token = api("alice").token
    sign_in(client)
    integration = integration_token(client)
    form = {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/account/password", data=form)
    assert response.status_code == 302
    assert is_signed_in(client)  # the browser that changed it stays signed in
    assert not is_signed_in(other_browser)
    assert api_status(app, sign_in_token) == 401
    assert api_status(app, integration) == 401
    old = app.test_client().post("/login", data={"username": "alice", "password": DEMO_PASSWORD})
    assert old.status_code == 401
    assert is_signed_in(sign_in(app.test_client(), password=NEW_PASSWORD))
    assert "password.change" in actions(app)
