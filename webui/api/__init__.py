"""The JSON REST API under /api/v1 (see docs/api-contract.md and /api/v1/openapi.json)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from webui.api import openapi_api  # noqa: E402,F401
