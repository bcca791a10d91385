"""The HTML contract form: its choices, and the translation between form fields and API input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from contracts.core import reference_data
from contracts.core.models import Contract
from contracts.core.text_input import whole_number
from webui.templates_admin.custom_fields import custom_field_values, custom_fields_from_form

TEXT_FIELDS = ("title", "contract_type", "amount", "currency", "department", "counterparty")
DATE_FIELDS = ("effective_date", "expiry_date")


@dataclass
class FormChoices:
    contract_types: list[tuple[str, str]]
    currencies: list[str]
    departments: list[tuple[str, str]]


def form_choices(session: Session) -> FormChoices:
    """Read the select options of the contract form from the reference data."""
    return FormChoices(
        contract_types=reference_data.contract_type_choices(session),
        currencies=reference_data.currency_codes(session),
        departments=reference_data.department_choices(session),
    )


def raw_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """Build the same input dict the JSON API receives; the service validates it."""
    raw: dict[str, Any] = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    for name in DATE_FIELDS:
        raw[name] = form.get(name, "").strip() or None
    raw["auto_renew"] = form.get("auto_renew") in ("on", "true", "1")
    notice_days = form.get("notice_days", "").strip()
    if notice_days:
        # A non-number goes through as text so the service reports it on the field.
        number = whole_number(notice_days)
        raw["notice_days"] = notice_days if number is None else number
    raw["tags"] = sorted({tag.strip() for tag in form.get("tags", "").split(",") if tag.strip()})
    raw["description"] = form.get("description", "")
    custom = custom_fields_from_form(form)
    if custom is not None:
        raw["custom_fields"] = custom
    return raw


def values_from_contract(contract: Contract) -> dict[str, Any]:
    """The form's field values for an existing contract."""
    return {
        "title": contract.title,
        "contract_type": contract.contract_type.code,
        "amount": f"{contract.amount:.2f}",
        "currency": contract.currency,
        "department": contract.department.code,
        "counterparty": contract.counterparty.name if contract.counterparty else "",
        "effective_date": contract.effective_date.isoformat() if contract.effective_date else "",
        "expiry_date": contract.expiry_date.isoformat() if contract.expiry_date else "",
        "auto_renew": "on" if contract.auto_renew else "",
        "notice_days": str(contract.notice_days),
        "tags": ", ".join(contract.tags),
        "description": contract.description or "",
        "edit_version": str(contract.edit_version),
        **custom_field_values(contract),
    }


def edit_version_from_form(form: MultiDict[str, str]) -> int | None:
    """The contract version the edit form was rendered from (None: not sent)."""
    value = form.get("edit_version", "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


def changed_fields(raw: dict[str, Any], contract: Contract) -> dict[str, Any]:
    """Keep only what the form changed, so an edit is a true partial update.

    Re-sending unchanged tags makes the service replace each tag row by an equal one,
    which trips the (contract_id, tag) unique constraint; sending only changes avoids it
    and keeps the audit entry's list of edited fields honest.
    """
    current = raw_from_form(MultiDict(values_from_contract(contract)))
    return {name: value for name, value in raw.items() if current.get(name) != value}


def values_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The submitted values, to show again next to the errors."""
    values: dict[str, Any] = {name: form.get(name, "") for name in form}
    values["auto_renew"] = form.get("auto_renew") in ("on", "true", "1")
    return values


def new_contract_values(department_code: str | None) -> dict[str, Any]:
    return {"currency": "CNY", "department": department_code or "", "notice_days": "30"}
