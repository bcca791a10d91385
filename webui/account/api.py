"""POST /api/v1/auth/token."""

from __future__ import annotations

from flask import current_app

from contracts.errors import ValidationError
from contracts.identity import accounts, credentials
from webui.api import bp
from webui.api.spec import json_object, operation
from webui.auth import client_ip, login_throttle
from webui.extensions import db


@operation(
    bp,
    "/auth/token",
    "POST",
    summary="Exchange username and password for a bearer token",
    tags=["auth"],
    body="TokenRequest",
    responses={200: "Token", 401: None, 422: None, 429: None},
    auth=False,
)
def issue_token() -> tuple[dict[str, str], int]:
    body = json_object()
    username, password = body.get("username"), body.get("password")
    errors = {
        k: ["is required"]
        for k, v in (("username", username), ("password", password))
        if not isinstance(v, str) or not v
    }
    if errors:
        raise ValidationError(errors)
    try:
        user = credentials.sign_in(
            db.session, username, password, throttle=login_throttle(), ip=client_ip(), via="api"
        )
    except Exception:
        db.session.commit()  # keeps the login.failed entry sign_in wrote
        raise
    token, expires_at = accounts.issue_token(
        db.session, user, ttl=current_app.config["API_TOKEN_TTL"]
    )
    db.session.commit()
    return {"token": token, "expires_at": expires_at.isoformat()}, 200
