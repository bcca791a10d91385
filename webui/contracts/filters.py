"""Read the contract list's query parameters (shared by the page and `GET /api/v1/contracts`)."""

from __future__ import annotations

from typing import Any

from flask import request

from contracts.core.field_messages import Sentence
from contracts.core.list_filters import STATUSES, parse_contract_filters
from contracts.core.service import ContractFilters
from contracts.errors import ValidationError
from webui.api.spec import query
from webui.field_messages import say

# The filters a user types (not picks): their errors are shown next to the field.
TYPED_FILTERS = (
    "amount_min",
    "amount_max",
    "effective_after",
    "effective_before",
    "expires_after",
    "expires_before",
    "owner",
)


def read_filters() -> ContractFilters:
    """The filters in the request's query string; a 422 names every bad parameter."""
    try:
        return parse_contract_filters(request.args)
    except ValidationError as exc:
        raise ValidationError(_said(exc.details), exc.message) from None


def _said(details: dict[str, list[str]]) -> dict[str, list[str]]:
    """Say the filter sentences in the reader's language now: the page shows them as given."""
    return {
        name: [say(m) if isinstance(m, Sentence) else m for m in messages]
        for name, messages in details.items()
    }


def openapi_params() -> list[dict[str, Any]]:
    """The same parameters described for the OpenAPI document."""
    return [
        query("q", {"type": "string"}, "keyword in number, title or counterparty"),
        query("status", {"type": "string", "enum": list(STATUSES)}),
        query("contract_type", {"type": "string"}, "contract type code"),
        query("department", {"type": "string"}, "department code"),
        query("tag", {"type": "string"}),
        query("owner", {"type": "string"}, "the owner's username"),
        query("amount_min", {"type": "string", "format": "decimal"}, "in CNY, inclusive"),
        query("amount_max", {"type": "string", "format": "decimal"}, "in CNY, inclusive"),
        query("effective_after", {"type": "string", "format": "date"}, "inclusive"),
        query("effective_before", {"type": "string", "format": "date"}, "inclusive"),
        query("expires_after", {"type": "string", "format": "date"}, "inclusive"),
        query("expires_before", {"type": "string", "format": "date"}, "inclusive"),
        query("page", {"type": "integer", "minimum": 1}),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    ]
