"""Say field messages and custom-field values in the user's language.

The services describe a bad field as a `contracts.field_messages.Sentence` (English text
that keeps its template and values); `localize` says it again in the request's language,
with the field's label translated. `custom_field_rows` shows a contract's custom fields by
their labels, with values formatted for the locale (Yes/No, numbers, dates, choice labels).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _

from contracts.core.field_messages import Choices, Label, Sentence, choices_of, label_for
from webui.validation_strings import say_field_message

LIST_SEPARATOR = {"zh": "、"}


def language() -> str:
    """The request's language: "en" or "zh"."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def say_label(label: Label) -> str:
    """A field label in the request's language: its own translation, else the catalog's."""
    lang = language()
    if lang in label.titles:
        return label.titles[lang]
    translated = _(label.source) if label.source else str(label)
    if lang == "en" and label[:1].isupper():
        return translated[:1].upper() + translated[1:]
    return translated


def say(sentence: Sentence) -> str:
    """A sentence in the request's language (English when the catalog lacks it)."""
    params = {name: _param(value) for name, value in sentence.params.items()}
    return _(sentence.template, **params)


def _param(value: Any) -> str:
    if isinstance(value, Label):
        return say_label(value)
    if isinstance(value, Choices):
        return LIST_SEPARATOR.get(language(), ", ").join(say_label(c) for c in value)
    return str(value)


def localize(details: Any) -> Any:
    """Error details with every Sentence in them said in the request's language."""
    if isinstance(details, Sentence):
        return say(details)
    if isinstance(details, dict):
        return {key: _localize_field(value) for key, value in details.items()}
    if isinstance(details, list | tuple):
        return [localize(value) for value in details]
    return details


def _localize_field(value: Any) -> Any:
    """A field's list of messages (the 422 shape): plain service phrases are said too."""
    if isinstance(value, list | tuple):
        return [
            say_field_message(v) if type(v) is str else localize(v)  # a Sentence is a str too
            for v in value
        ]
    return localize(value)


def custom_field_rows(contract: Any) -> list[tuple[str, str]]:
    """A contract's custom fields as (label, shown value), in the schema's order."""
    values: dict[str, Any] = contract.custom_fields or {}
    schema: dict[str, Any] = contract.contract_type.custom_fields_schema or {}
    declared = list((schema.get("properties") or {}).keys())
    ordered = [k for k in declared if k in values] + [k for k in values if k not in declared]
    rows = []
    for key in ordered:
        prop = (schema.get("properties") or {}).get(key) or {}
        rows.append((say_label(label_for(schema, [key])), shown_value(prop, values[key])))
    return rows


def shown_value(prop: dict[str, Any], value: Any) -> str:
    """One custom-field value for reading: Yes/No, a localized number or date, a choice label."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if prop.get("enum") and value in prop["enum"]:
        choice = choices_of(prop)[prop["enum"].index(value)]
        return say_label(choice)
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, format="#,##0.########")
    if isinstance(value, str) and prop.get("format") == "date":
        try:
            return format_date(date.fromisoformat(value), "medium")
        except ValueError:
            return value
    if isinstance(value, list):
        return LIST_SEPARATOR.get(language(), ", ").join(shown_value({}, v) for v in value)
    return str(value)


def is_sentence(message: Any) -> bool:
    """A message that names its field itself ("Amount must be a number."), not "is required"."""
    text = str(message)
    return bool(text) and not text[:1].islower()


def is_problem_list(value: Any) -> bool:
    """Details of one field: a list of messages (not a machine value such as a limit)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def install(app: Flask) -> None:
    """Make the helpers available to templates."""
    app.add_template_global(custom_field_rows, "custom_field_rows")
    app.add_template_filter(localize, "localize")
    app.add_template_test(is_sentence, "sentence")
    app.add_template_test(is_problem_list, "is_problem_list")
    app.add_template_test(lambda value, prefix: str(value).startswith(prefix), "startingwith")
