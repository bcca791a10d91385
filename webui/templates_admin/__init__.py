"""Templates: admin pages (/admin/templates, /admin/contract-types), drafting pages, the API."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("templates_admin", __name__)

from webui.templates_admin import (  # noqa: E402,F401
    api,
    contract_types_views,
    custom_fields,
    draft_views,
    template_views,
)
