"""POST /api/v1/auth/token."""

from __future__ import annotations

from flask import current_app

from contracts import audit
from contracts.errors import LoginThrottledError, ValidationError
from contracts.identity import accounts
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
    assert isinstance(username, str) and isinstance(password, str)  # for mypy: checked above
    try:
        user = accounts.authenticate(
            db.session, username, password, throttle=login_throttle(), ip=client_ip()
        )
    except Exception as exc:
        details: dict[str, object] = {"via": "api"}
        if isinstance(exc, LoginThrottledError):
            details["throttled"] = True
        audit.record(db.session, "login.failed", actor=username, ip=client_ip(), details=details)
        db.session.commit()
        raise
    token, expires_at = accounts.issue_token(
        db.session, user, ttl=current_app.config["API_TOKEN_TTL"]
    )
    audit.record(db.session, "login", actor=user.username, ip=client_ip(), details={"via": "api"})
    db.session.commit()
    return {"token": token, "expires_at": expires_at.isoformat()}, 200
