"""GET /api/v1/openapi.json, generated from the declared operations."""

from __future__ import annotations

from typing import Any

from flask import current_app

from webui.api import bp
from webui.api.spec import openapi_document, public_endpoint


@bp.get("/openapi.json")
@public_endpoint
def openapi() -> dict[str, Any]:
    return openapi_document(current_app)
