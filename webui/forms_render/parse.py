"""Read a posted form back into JSON typed by its schema (validation happens afterwards)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from webui.forms_render.fields import Field, all_names, fields

# Posted alongside every form; not part of the task's data.
FRAMEWORK_FIELDS = frozenset({"csrf_token", "next"})


class UnknownFieldError(ValueError):
    """The post carries fields the form does not have (a tampered form)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def parse_form(schema: dict[str, Any], form: MultiDict[str, str]) -> dict[str, Any]:
    """Typed data from the posted fields; empty fields are left out, so `required` catches them.

    A value that does not convert (letters in a number) is kept as text for the validator to
    reject with its type error. Fields the form does not have raise UnknownFieldError.
    """
    unknown = sorted(set(form.keys()) - all_names(schema) - FRAMEWORK_FIELDS)
    if unknown:
        raise UnknownFieldError(unknown)
    return _object(schema, form, "")


def _object(schema: dict[str, Any], form: MultiDict[str, str], prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields(schema, {}, prefix):
        key = field.name.rpartition(".")[2]
        if field.kind == "object":
            nested = _object(field.schema, form, field.name + ".")
            if nested or field.required:
                data[key] = nested
            continue
        value = _value(field, form)
        if value is not None:
            data[key] = value
    return data


def _value(field: Field, form: MultiDict[str, str]) -> Any:
    kind = field.schema.get("type")
    if kind == "boolean":
        raw = form.get(field.name)
        return {None: False, "true": True, "on": True, "false": False}.get(raw, raw)
    if kind == "array":
        return _lines(field, form)
    raw = form.get(field.name, "")
    if not raw.strip():
        return None
    if kind in ("number", "integer"):
        return _number(raw.strip(), integer=kind == "integer")
    return raw


def _lines(field: Field, form: MultiDict[str, str]) -> list[Any] | None:
    items = [
        line.strip()
        for raw in form.getlist(field.name)
        for line in raw.splitlines()
        if line.strip()
    ]
    item_type = (field.schema.get("items") or {}).get("type")
    if item_type in ("number", "integer"):
        return [_number(item, integer=item_type == "integer") for item in items] or None
    return items or None


def _number(raw: str, *, integer: bool) -> Any:
    try:
        number = float(raw)
    except ValueError:
        return raw
    if number != number or number in (float("inf"), float("-inf")):
        return raw
    if integer:
        return int(number) if number.is_integer() else number
    return (
        int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
    )
