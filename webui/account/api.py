"""POST /api/v1/auth/token."""

from __future__ import annotations

from typing import Any

from flask import current_app

from contracts import audit
from contracts.errors import LoginThrottledError
from contracts.identity import accounts
from webui.account import shapes
from webui.api import bp
from webui.api.spec import operation, read_body
from webui.auth import client_ip, login_throttle
from webui.extensions import db


@operation(
    bp,
    "/auth/token",
    "POST",
    summary="Exchange username and password for a bearer token",
    tags=["auth"],
    body=shapes.TokenRequest,
    responses={200: shapes.Token, 401: None, 422: None, 429: None},
    auth=False,
)
def issue_token() -> tuple[dict[str, Any], int]:
    sign_in = read_body(shapes.TokenRequest, shapes.TOKEN_REQUEST_MESSAGES)
    username, password = sign_in.username, sign_in.password
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
    return shapes.Token.render({"token": token, "expires_at": expires_at.isoformat()}), 200
