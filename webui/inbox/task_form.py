"""Render a user-task form from its JSON Schema + UI schema, and read the submitted fields back.

Supports what the shipped forms use: string enums (radio with `ui:widget: radio`, else a
select, labelled by `enumNames`) and strings (an input, or a textarea with
`ui:widget: textarea`). `title` labels a field, `ui:help` explains it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # "radio", "select", "textarea" or "input"
    required: bool = False
    help: str = ""
    max_length: int | None = None
    options: list[tuple[str, str]] = field(default_factory=list)


def _ordered(properties: dict[str, Any], ui_schema: dict[str, Any]) -> list[str]:
    order = [name for name in ui_schema.get("ui:order", []) if name in properties]
    return order + [name for name in properties if name not in order]


def _widget(prop: dict[str, Any], ui: dict[str, Any]) -> str:
    wanted = ui.get("ui:widget")
    if "enum" in prop:
        return "radio" if wanted == "radio" else "select"
    return "textarea" if wanted == "textarea" else "input"


def form_fields(schema: dict[str, Any], ui_schema: dict[str, Any]) -> list[FormField]:
    """Describe the fields of a task form in display order."""
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    fields = []
    for name in _ordered(properties, ui_schema):
        prop, ui = properties[name], ui_schema.get(name, {})
        labels = prop.get("enumNames", [])
        options = [
            (str(value), str(labels[i]) if i < len(labels) else str(value))
            for i, value in enumerate(prop.get("enum", []))
        ]
        fields.append(
            FormField(
                name=name,
                label=prop.get("title", name.replace("_", " ").capitalize()),
                widget=_widget(prop, ui),
                required=name in required,
                help=ui.get("ui:help", prop.get("description", "")),
                max_length=prop.get("maxLength"),
                options=options,
            )
        )
    return fields


def data_from_form(schema: dict[str, Any], form: MultiDict[str, str]) -> dict[str, Any]:
    """The form's data for the task: the schema's fields that were filled in."""
    data = {}
    for name in schema.get("properties", {}):
        value = form.get(name, "")
        if value.strip():
            data[name] = value
    return data
