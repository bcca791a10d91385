"""POST /api/v1/auth/token."""

from __future__ import annotations

from typing import Any

from flask import current_app

from contracts.identity import accounts, credentials
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
    return shapes.Token.render({"token": token, "expires_at": expires_at.isoformat()}), 200
