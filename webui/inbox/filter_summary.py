"""The inbox's active filters in one line, for the summary of the folded filter form."""

from __future__ import annotations

from flask_babel import gettext as _

from contracts.inbox import queries as inbox
from webui.contracts.template_helpers import money
from webui.labels import department_label, label


def _named(code: str | None, choices: list[tuple[str, str]]) -> str | None:
    """The name of a chosen code (the code itself when it is not among the choices)."""
    if not code:
        return None
    return dict(choices).get(code, code)


def active_filters(
    filters: inbox.TaskFilters,
    contract_types: list[tuple[str, str]],
    departments: list[tuple[str, str]],
    due_windows: list[tuple[str, str]],
) -> list[str]:
    """Name each filter the reader has set ("Department: Sales", "From 10,000.00 CNY")."""
    parts: list[str] = []
    if filters.q:
        parts.append(_("“%(text)s”", text=filters.q))
    contract_type = _named(filters.contract_type, contract_types)
    if contract_type:
        parts.append(label(contract_type))
    department = _named(filters.department, departments)
    if department:
        parts.append(department_label(department))
    if filters.amount_min is not None:
        parts.append(_("from %(amount)s CNY", amount=money(filters.amount_min)))
    if filters.amount_max is not None:
        parts.append(_("up to %(amount)s CNY", amount=money(filters.amount_max)))
    due = _named(filters.due, due_windows)
    if due:
        parts.append(due)
    if filters.overdue:
        parts.append(_("Overdue"))
    return parts
