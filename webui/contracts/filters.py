"""Read the contract list's query parameters (shared by the page and `GET /api/v1/contracts`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request
from flask_babel import gettext as _

from contracts.core.service import ContractFilters
from webui.api.params import QueryReader
from webui.api.spec import query
from webui.contracts.shapes import STATUSES

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

# (start, end) of each date range: the end is the one marked when they are reversed.
RANGES = (("effective_after", "effective_before"), ("expires_after", "expires_before"))


def read_filters() -> ContractFilters:
    """The filters in the request's query string; a 422 names every bad parameter."""
    read = QueryReader()
    filters = ContractFilters(
        q=read.text("q"),
        status=read.choice("status", tuple(STATUSES)),
        contract_type=read.text("contract_type"),
        department=read.text("department"),
        tag=read.text("tag"),
        owner=read.text("owner"),
        amount_min=_amount(read.errors, "amount_min"),
        amount_max=_amount(read.errors, "amount_max"),
        effective_after=_day(read.errors, "effective_after"),
        effective_before=_day(read.errors, "effective_before"),
        expires_after=_day(read.errors, "expires_after"),
        expires_before=_day(read.errors, "expires_before"),
        page=read.integer("page", 1, 1, 100000),
        per_page=read.integer("per_page", 20, 1, 100),
    )
    if _reversed(filters.amount_min, filters.amount_max):
        read.errors.setdefault("amount_max", []).append(
            _("The maximum must not be less than the minimum.")
        )
    for start, end in RANGES:
        if _reversed(getattr(filters, start), getattr(filters, end)):
            read.errors.setdefault(end, []).append(_("The end must not be before the start."))
    read.done()
    return filters


def _amount(errors: dict[str, list[str]], name: str) -> Decimal | None:
    raw = request.args.get(name, "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors.setdefault(name, []).append(_("Enter a number of yuan, e.g. 50000."))
        return None
    return value


def _day(errors: dict[str, list[str]], name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a date as YYYY-MM-DD, e.g. 2027-06-30."))
        return None


def _reversed(start: Any, end: Any) -> bool:
    return start is not None and end is not None and end < start


def openapi_params() -> list[dict[str, Any]]:
    """The same parameters described for the OpenAPI document."""
    return [
        query("q", {"type": "string"}, "keyword in number, title or counterparty"),
        query("status", {"type": "string", "enum": STATUSES}),
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
