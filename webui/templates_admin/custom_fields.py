"""The contract form's custom fields: inputs for the chosen type, and reading them back."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_login import login_required
from sqlalchemy import select

from contracts.core import contract_types
from contracts.core.field_messages import choices_of, label_for
from contracts.core.models import Contract, ContractType
from webui.extensions import db
from webui.field_messages import say_label
from webui.templates_admin import bp

PREFIX = "cf."


def _schema(code: str | None) -> dict[str, Any] | None:
    if not code:
        return None
    found = db.session.scalars(select(ContractType).where(ContractType.code == code)).first()
    return found.custom_fields_schema if found else None


def custom_field_inputs(code: str | None) -> list[dict[str, Any]]:
    """Describe the custom-field inputs of a contract type, labelled in the user's language."""
    schema = _schema(code)
    fields = contract_types.form_fields(schema)
    for field in fields:
        prop = ((schema or {}).get("properties") or {}).get(field["name"]) or {}
        field["label"] = say_label(label_for(schema, [field["name"]]))
        field["choice_labels"] = [say_label(choice) for choice in choices_of(prop)]
    return fields


def custom_fields_from_form(form: Any) -> dict[str, Any] | None:
    """The typed custom-field values of a submitted contract form (None: the type has none)."""
    schema = _schema(form.get("contract_type"))
    if not schema:
        return None
    return contract_types.values_from_form(schema, form, PREFIX)


def custom_field_values(contract: Contract) -> dict[str, str]:
    """A contract's custom fields as form values (`cf.<name>`)."""
    values = {}
    for name, value in (contract.custom_fields or {}).items():
        if isinstance(value, bool):
            values[PREFIX + name] = "on" if value else ""
        else:
            values[PREFIX + name] = "" if value is None else str(value)
    return values


@bp.get("/contract-types/custom-field-inputs")
@login_required
def custom_field_inputs_partial() -> str:
    """The inputs for the type chosen in the contract form (swapped in by htmx)."""
    return render_template(
        "admin/_custom_fields.html",
        fields=custom_field_inputs(request.args.get("contract_type")),
        values={},
        errors={},
        prefix=PREFIX,
    )


@bp.record_once
def _install(state: Any) -> None:
    app: Flask = state.app
    app.add_template_global(custom_field_inputs, "custom_field_inputs")
