"""HTML pages for process admins: modeler, routing table and simulator, instance monitor."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_processes", __name__, url_prefix="/admin")

from webui.admin_processes import api, instances_api, views  # noqa: E402,F401
