"""Connector admin pages under /admin/connectors (admin role only)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_connectors", __name__, url_prefix="/admin/connectors")

from webui.admin_connectors import views  # noqa: E402,F401
