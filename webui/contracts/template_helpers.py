"""Filters and globals the page templates share (formatting only, no business rules)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_babel import format_decimal, get_locale, get_timezone, gettext

from contracts.core import dates
from webui.labels import department_label, translated


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts
    """Mark a string for translation; it is translated when shown."""
    return message


STATUS_LABELS = {
    "draft": N_("Draft"),
    "in_review": N_("In review"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "out_for_signature": N_("Out for signature"),
    "active": N_("Active"),
    "expiring": N_("Expiring"),
    "expired": N_("Expired"),
    "renewed": N_("Renewed"),
    "terminated": N_("Terminated"),
    "cancelled": N_("Cancelled"),
}

# Timeline actions (`InstanceEvent.action`) and decisions as people read them.
EVENT_LABELS = {
    "started": N_("Started"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "resubmitted": N_("Resubmitted"),
    "withdrawn": N_("Withdrawn"),
    "escalated": N_("Escalated"),
    "reminded": N_("Reminded"),
    "status_changed": N_("Status changed"),
    "delegated": N_("Delegated"),
    "commented": N_("Commented"),
    "claimed": N_("Claimed"),
    "unclaimed": N_("Unclaimed"),
    "task_completed": N_("Task completed"),
    "completed": N_("Completed"),
}
# Approver roles as people read them (candidate groups are `<role>` or `<role>:<department>`).
ROLE_LABELS = {
    "viewer": N_("viewer"),
    "editor": N_("drafter"),
    "dept_manager": N_("department manager"),
    "legal": N_("legal"),
    "finance": N_("finance"),
    "executive": N_("executive"),
    "process_admin": N_("process admin"),
    "integrator": N_("integrator"),
    "admin": N_("administrator"),
}
DECISION_LABELS = {
    "approve": N_("Approve"),
    "reject": N_("Reject"),
    "resubmit": N_("Resubmit"),
    "withdraw": N_("Withdraw"),
}


def money(value: Decimal | None) -> str:
    """Format an amount for the page's locale: thousands separators and two decimals."""
    return "" if value is None else format_decimal(value, format="#,##0.00")


def _zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def when(value: datetime | date | None) -> str:
    """Format a timestamp (stored in UTC) in the user's time zone, or a date, for the locale."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return dates.format_moment(value, get_locale() or "en", _zone())
    return dates.format_day(value, get_locale() or "en")


def day(value: datetime | date | None) -> str:
    """Format the calendar day of a timestamp (in the user's time zone) or of a date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return dates.format_day(value, get_locale() or "en")


def date_settings() -> dict[str, Any]:
    """How the admin pages' scripts format times: the same pattern, names and zone as `when`."""
    return {**dates.moment_pattern(get_locale() or "en"), "timeZone": str(get_timezone())}


def status_label(status: Any) -> str:
    return translated(STATUS_LABELS, status, str(status).replace("_", " ").capitalize())


def frozen_notice(contract: Any) -> str:
    """Why the contract's documents, body and details cannot change now ("" while they can)."""
    from contracts.core.freeze import Freeze, freeze_of

    kind = freeze_of(contract)
    if kind == Freeze.IN_REVIEW:
        return gettext(
            "This contract is in review: its documents, body and details are frozen "
            "until a decision."
        )
    if kind == Freeze.APPROVED:
        return gettext(
            "This contract is %(status)s: its documents, body and details are frozen. "
            "To change them, start an amendment, which is approved again.",
            status=status_label(contract.status),
        )
    if kind == Freeze.CLOSED:
        return gettext(
            "This contract is %(status)s: its documents, body and details can no longer change.",
            status=status_label(contract.status),
        )
    return ""


def event_label(action: Any) -> str:
    return translated(EVENT_LABELS, action, str(action).replace("_", " ").capitalize())


def role_label(role: Any) -> str:
    return translated(ROLE_LABELS, role, str(role).replace("_", " "))


def group_label(group: Any, department: str | None = None) -> str:
    """A candidate group as people read it: `dept_manager:sales` -> "department manager · Sales"."""
    role, _, code = str(group).partition(":")
    if not code:
        return role_label(role)
    return f"{role_label(role)} · {department_label(department) if department else code}"


def instance_status_label(status: Any) -> str:
    """A process instance's status, in the words of the process-admin pages."""
    from webui.admin_processes.labels import status_labels

    return status_labels().get(str(status), str(status))


def decision_label(decision: Any) -> str:
    return translated(DECISION_LABELS, decision)


def current_locale() -> str:
    """The page's language code (`en` or `zh`)."""
    return str(get_locale() or "en")


def url_with(**changes: Any) -> str:
    """The current page's URL with some query arguments replaced (None drops one)."""
    args: dict[str, Any] = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint or "inbox.index", **(request.view_args or {}), **args)


def install(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")
    app.add_template_filter(status_label, "status_label")
    app.add_template_filter(event_label, "event_label")
    app.add_template_filter(decision_label, "decision_label")
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(group_label, "group_label")
    app.add_template_filter(instance_status_label, "instance_status_label")
    app.add_template_global(url_with, "url_with")
    app.add_template_global(frozen_notice, "frozen_notice")
    app.add_template_global(current_locale, "current_locale")
