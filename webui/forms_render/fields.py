"""Walk a JSON Schema in display order: which widget each property gets, under which name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One property of a form, at a dotted path."""

    name: str  # dotted path: "comment", "address.city"
    schema: dict[str, Any]
    ui: dict[str, Any]
    required: bool

    @property
    def kind(self) -> str:
        """The widget: object, radio, select, checkbox, lines, textarea, date, number, text."""
        schema, widget = self.schema, self.ui.get("ui:widget")
        kind = schema.get("type")
        if kind == "object":
            return "object"
        if "enum" in schema:
            return "radio" if widget == "radio" else "select"
        if kind == "boolean":
            return "checkbox"
        if kind == "array":
            return "lines"
        if kind in ("number", "integer"):
            return "number"
        if schema.get("format") == "date":
            return "date"
        return "textarea" if widget == "textarea" else "text"

    @property
    def html_id(self) -> str:
        return "field-" + self.name.replace(".", "-")


def ordered(properties: dict[str, Any], ui_schema: dict[str, Any]) -> list[str]:
    """Property names in `ui:order` first (a "*" entry stands for the rest), then the others."""
    order = list(ui_schema.get("ui:order", []))
    rest = [name for name in properties if name not in order]
    if "*" in order:
        at = order.index("*")
        order[at : at + 1] = rest
        rest = []
    return [name for name in order if name in properties] + rest


def fields(schema: dict[str, Any], ui_schema: dict[str, Any], prefix: str = "") -> Iterator[Field]:
    """The form's fields (one level; objects hold their own) in display order."""
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    for name in ordered(properties, ui_schema):
        yield Field(
            name=f"{prefix}{name}",
            schema=properties[name] if isinstance(properties[name], dict) else {},
            ui=ui_schema.get(name, {}) if isinstance(ui_schema.get(name), dict) else {},
            required=name in required,
        )


def all_names(schema: dict[str, Any], prefix: str = "") -> set[str]:
    """Every dotted field name the form posts."""
    names: set[str] = set()
    for field in fields(schema, {}, prefix):
        if field.kind == "object":
            names |= all_names(field.schema, field.name + ".")
        else:
            names.add(field.name)
    return names


def options(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(value, label) pairs of an enum, labelled by `enumNames` when given."""
    labels = schema.get("enumNames", [])
    return [
        (_as_text(value), str(labels[i]) if i < len(labels) else _as_text(value))
        for i, value in enumerate(schema.get("enum", []))
    ]


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
