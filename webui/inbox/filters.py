"""Read the inbox's query parameters (shared by the page and `GET /api/v1/tasks`)."""

from __future__ import annotations

from typing import Any

from contracts.inbox import queries
from webui.api.params import QueryReader
from webui.api.spec import query


def read_filters(default_per_page: int = 20) -> queries.TaskFilters:
    """The filters in the request's query string; a 422 names every bad parameter."""
    read = QueryReader()
    filters = queries.TaskFilters(
        scope=read.choice("scope", queries.SCOPES),
        contract_type=read.text("contract_type"),
        department=read.text("department"),
        overdue=read.boolean("overdue"),
        due=read.choice("due", tuple(queries.DUE_WINDOWS)),
        q=read.text("q"),
        amount_min=read.decimal("amount_min"),
        amount_max=read.decimal("amount_max"),
        sort=read.choice("sort", queries.SORTS) or "due",
        page=read.integer("page", 1, 1, 100000),
        per_page=read.integer("per_page", default_per_page, 1, 100),
    )
    read.done()
    return filters


def openapi_params() -> list[dict[str, Any]]:
    """The same parameters described for the OpenAPI document."""
    return [
        query(
            "scope",
            {"type": "string", "enum": list(queries.SCOPES)},
            "mine: assigned to me; groups: unclaimed in my groups; completed: completed by me; "
            "started: waiting in processes I started; default: mine and groups",
        ),
        query("contract_type", {"type": "string"}, "contract type code"),
        query("department", {"type": "string"}, "department code"),
        query("overdue", {"type": "boolean"}),
        query("due", {"type": "string", "enum": list(queries.DUE_WINDOWS)}, "due window"),
        query("q", {"type": "string"}, "contract number, title or counterparty"),
        query("amount_min", {"type": "string", "format": "decimal"}, "in CNY"),
        query("amount_max", {"type": "string", "format": "decimal"}, "in CNY"),
        query("sort", {"type": "string", "enum": list(queries.SORTS)}, "'-' sorts descending"),
        query("page", {"type": "integer", "minimum": 1}),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    ]
