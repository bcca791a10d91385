"""Liveness and readiness."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory
from sqlalchemy import text
from werkzeug.wrappers import Response

from webui.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    db.session.execute(text("SELECT 1"))
    mode = "embedded" if current_app.config["EMBEDDED"] else "distributed"
    return {"status": "ok", "mode": mode, "database": db.engine.dialect.name}, 200


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon, for browsers and tools that ask for /favicon.ico whatever the page links."""
    assert current_app.static_folder is not None
    return send_from_directory(
        current_app.static_folder, "img/favicon.svg", mimetype="image/svg+xml", max_age=86400
    )
