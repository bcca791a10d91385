"""Schema validation errors as sentences a user can read, naming each field by its label.

jsonschema says "'abc' is not of type 'number'"; a user should read "Amount must be a
number." Every message made here is a `Sentence`: plain English text (what the API shows
when no translation applies, and what logs and tests read) that keeps its template and
values, so the web edge (`webui.field_messages`) says it again in the user's language.

A field's label is its schema `title` (else its key, humanized); a schema may carry the
label in other languages as `"x-titles": {"zh": "车牌号"}`, and its choice labels as
`enumNames` with `"x-enumNames": {"zh": [...]}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import jsonschema

__all__ = ["Choices", "Label", "Sentence", "describe", "label_for", "problems_of"]


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts
    """Mark a sentence template for translation; the web edge translates it."""
    return message


REQUIRED = N_("%(label)s is required.")
NOT_A_NUMBER = N_("%(label)s must be a number.")
NOT_AN_INTEGER = N_("%(label)s must be a whole number.")
NOT_TEXT = N_("%(label)s must be text.")
NOT_YES_NO = N_("%(label)s must be yes or no.")
NOT_A_LIST = N_("%(label)s must be a list.")
NOT_A_GROUP = N_("%(label)s must be a group of fields.")
AT_LEAST = N_("%(label)s must be at least %(limit)s.")
AT_MOST = N_("%(label)s must be at most %(limit)s.")
ABOVE = N_("%(label)s must be greater than %(limit)s.")
BELOW = N_("%(label)s must be less than %(limit)s.")
MULTIPLE_OF = N_("%(label)s must be a multiple of %(limit)s.")
EMPTY = N_("%(label)s must not be empty.")
MIN_LENGTH = N_("%(label)s must be at least %(limit)s characters long.")
MAX_LENGTH = N_("%(label)s must be at most %(limit)s characters long.")
MIN_ITEMS = N_("%(label)s needs at least %(limit)s entries.")
MAX_ITEMS = N_("%(label)s takes at most %(limit)s entries.")
UNIQUE_ITEMS = N_("%(label)s must not repeat an entry.")
ONE_OF = N_("%(label)s must be one of: %(choices)s.")
NOT_A_DATE = N_("%(label)s must be a date (YYYY-MM-DD).")
NOT_A_DATE_TIME = N_("%(label)s must be a date and time.")
NOT_AN_EMAIL = N_("%(label)s must be an email address.")
NOT_A_FORMAT = N_("%(label)s is not a valid %(format)s.")
NOT_THE_PATTERN = N_("%(label)s is not in the expected format.")
UNKNOWN_FIELD = N_("%(label)s is not a field of this form.")
INVALID = N_("%(label)s is not valid.")

TYPE_SENTENCES = {
    "number": NOT_A_NUMBER,
    "integer": NOT_AN_INTEGER,
    "string": NOT_TEXT,
    "boolean": NOT_YES_NO,
    "array": NOT_A_LIST,
    "object": NOT_A_GROUP,
}
LIMIT_SENTENCES = {
    "minimum": AT_LEAST,
    "maximum": AT_MOST,
    "exclusiveMinimum": ABOVE,
    "exclusiveMaximum": BELOW,
    "multipleOf": MULTIPLE_OF,
    "minLength": MIN_LENGTH,
    "maxLength": MAX_LENGTH,
    "minItems": MIN_ITEMS,
    "maxItems": MAX_ITEMS,
}
FORMAT_SENTENCES = {"date": NOT_A_DATE, "date-time": NOT_A_DATE_TIME, "email": NOT_AN_EMAIL}


class Label(str):
    """A field's label in English (the str value), with its other languages."""

    key: str
    source: str
    titles: dict[str, str]

    def __new__(
        cls, key: str, prop: dict[str, Any] | None = None, *, capital: bool = True
    ) -> Label:
        prop = prop if isinstance(prop, dict) else {}
        title = prop.get("title")
        source = str(title) if isinstance(title, str) and title.strip() else _humanize(key)
        english = source[:1].upper() + source[1:] if capital else source
        label = super().__new__(cls, english)
        label.key, label.source = key, source
        titles = prop.get("x-titles")
        label.titles = (
            {str(k): str(v) for k, v in titles.items() if isinstance(v, str) and v.strip()}
            if isinstance(titles, dict)
            else {}
        )
        return label


class Choices(tuple[Label, ...]):
    """The labels of an enum's values, read as a list."""

    def __str__(self) -> str:
        return ", ".join(self)


class Sentence(str):
    """An English sentence that keeps its template and values, to be said in another language."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Sentence:
        sentence = super().__new__(cls, template % {k: str(v) for k, v in params.items()})
        sentence.template, sentence.params = template, params
        return sentence

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Sentence:
    return Sentence(template, **params)


def _humanize(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else key


def property_at(schema: dict[str, Any], path: Sequence[str | int]) -> dict[str, Any]:
    """The property schema at a path of the data (`{}` when the schema does not say)."""
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return {}
        if isinstance(part, int) or str(part).isdigit():
            node = node.get("items", {})
        else:
            node = (node.get("properties") or {}).get(str(part), {})
    return node if isinstance(node, dict) else {}


def label_for(schema: dict[str, Any] | None, path: Sequence[str | int]) -> Label:
    """The label of the field at a path, from its `title` (else its humanized key)."""
    key = str(path[-1]) if path else ""
    return Label(key, property_at(schema or {}, path))


def choices_of(prop: dict[str, Any]) -> Choices:
    """An enum's choices by their labels (`enumNames`, in other languages `x-enumNames`)."""
    names = prop.get("enumNames") or []
    others_given = prop.get("x-enumNames")
    translated: dict[str, Any] = others_given if isinstance(others_given, dict) else {}
    labels = []
    for i, value in enumerate(prop.get("enum") or []):
        shown = names[i] if i < len(names) else _plain(value)
        choice = {"title": str(shown)}
        others = {
            lang: str(values[i])
            for lang, values in translated.items()
            if isinstance(values, list) and i < len(values)
        }
        if others:
            choice["x-titles"] = others  # type: ignore[assignment]
        label = Label(_plain(value), choice, capital=False)
        labels.append(label)
    return Choices(labels)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def describe(
    error: jsonschema.ValidationError, root: dict[str, Any]
) -> list[tuple[list[str | int], Sentence]]:
    """The (data path, sentence) pairs of one jsonschema error, labelled from the root schema."""
    path: list[str | int] = list(error.absolute_path)
    kind = error.validator
    local = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in error.validator_value if name not in instance]
        return [
            ([*path, name], Sentence(REQUIRED, label=label_for(root, [*path, name])))
            for name in missing
        ]
    if kind == "additionalProperties":
        allowed = set(local.get("properties") or {})
        extra = [n for n in (error.instance or {}) if n not in allowed]
        return [([*path, n], Sentence(UNKNOWN_FIELD, label=Label(str(n)))) for n in extra]
    prop = {**local, **property_at(root, path)}
    label = Label(str(path[-1]) if path else "", prop)
    blank = isinstance(error.instance, str) and not error.instance.strip()
    if kind in ("minLength", "pattern") and blank:
        return [(path, Sentence(EMPTY, label=label))]
    if kind == "type":
        kinds = error.validator_value
        first = kinds if isinstance(kinds, str) else next(iter(kinds), "")
        return [(path, Sentence(TYPE_SENTENCES.get(first, INVALID), label=label))]
    if kind in LIMIT_SENTENCES:
        return [(path, Sentence(LIMIT_SENTENCES[kind], label=label, limit=error.validator_value))]
    if kind == "enum":
        choices = choices_of({**prop, "enum": error.validator_value})
        return [(path, Sentence(ONE_OF, label=label, choices=choices))]
    if kind == "format":
        template = FORMAT_SENTENCES.get(str(error.validator_value), NOT_A_FORMAT)
        return [(path, Sentence(template, label=label, format=error.validator_value))]
    if kind == "pattern":
        return [(path, Sentence(NOT_THE_PATTERN, label=label))]
    if kind == "uniqueItems":
        return [(path, Sentence(UNIQUE_ITEMS, label=label))]
    return [(path, Sentence(INVALID, label=label))]


def problems_of(
    errors: Iterable[jsonschema.ValidationError], root: dict[str, Any], prefix: str = ""
) -> dict[str, list[str]]:
    """Sentences per dotted field path (`prefix` before each), each said once per field.

    jsonschema reports a `required` keyword once per missing property, each time with the
    same instance: without the check, every missing field would be named once per sibling.
    """
    found: dict[str, list[str]] = {}
    for error in errors:
        for path, sentence in describe(error, root):
            where = prefix + ".".join(str(p) for p in path)
            key = where.rstrip(".") or "data"
            messages = found.setdefault(key, [])
            if sentence not in messages:
                messages.append(sentence)
    return found
