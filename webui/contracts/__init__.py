"""HTML pages: contracts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contracts", __name__, url_prefix="/contracts")

from webui.contracts import views  # noqa: E402,F401
