"""Liveness and readiness."""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text

from webui.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    db.session.execute(text("SELECT 1"))
    mode = "embedded" if current_app.config["EMBEDDED"] else "distributed"
    return {"status": "ok", "mode": mode, "database": db.engine.dialect.name}, 200
