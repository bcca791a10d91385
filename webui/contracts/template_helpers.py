"""Filters and globals the page templates share (formatting only, no business rules)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, request, url_for

STATUS_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "rejected": "Rejected",
    "out_for_signature": "Out for signature",
    "active": "Active",
    "expiring": "Expiring",
    "expired": "Expired",
    "renewed": "Renewed",
    "terminated": "Terminated",
    "cancelled": "Cancelled",
}


def money(value: Decimal | None) -> str:
    """Format an amount with thousands separators and two decimals."""
    return "" if value is None else f"{value:,.2f}"


def when(value: datetime | date | None) -> str:
    """Format a timestamp (UTC) or a date for people."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def status_label(status: Any) -> str:
    return STATUS_LABELS.get(str(status), str(status).replace("_", " ").capitalize())


def url_with(**changes: Any) -> str:
    """The current page's URL with some query arguments replaced (None drops one)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint or "inbox.index", **(request.view_args or {}), **args)


def install(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(when, "when")
    app.add_template_filter(status_label, "status_label")
    app.add_template_global(url_with, "url_with")
