"""The built-in mail and SMS sink under /admin/mail and /admin/sms (admin role only)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_sink", __name__, url_prefix="/admin")

from webui.admin_sink import views  # noqa: E402,F401
