"""HTML pages: inbox."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from webui.inbox import api, nav, notification_views, views  # noqa: E402,F401
