"""Load user-task forms (JSON Schema files in `forms/`) and validate submissions."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from contracts.core import field_messages
from contracts.core.field_messages import Label, Sentence, problems_of
from contracts.errors import ValidationError

# A task without a form gets the approval form: approve/reject with a comment.
DEFAULT_FORM = "approval.schema.json"


class FormLibrary:
    """The forms of one directory, read once each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def file_names(self) -> list[str]:
        """The form files a user task may name (JSON schemas and UI schemas), sorted."""
        return sorted(p.name for p in Path(self.directory).glob("*.json"))

    def schema(self, name: str | None) -> dict[str, Any]:
        return _load(self.directory / (name or DEFAULT_FORM))

    def ui_schema(self, name: str | None) -> dict[str, Any]:
        return _load(self.directory / name) if name else {}

    def validate(self, name: str | None, data: Any) -> dict[str, Any]:
        """Return the data if it satisfies the form; else ValidationError per field."""
        if not isinstance(data, dict):
            raise ValidationError({"data": ["must be a JSON object"]})
        identity = _identity(self.directory / (name or DEFAULT_FORM))
        schema = _load_cached(*identity)
        errors: dict[str, list[str]] = {}
        for path in unknown_fields(schema, data):
            label = Label(path.rpartition(".")[2])
            errors.setdefault(path, []).append(Sentence(field_messages.UNKNOWN_FIELD, label=label))
        validator = _validator_cached(*identity)
        found = (e for e in validator.iter_errors(data) if not _named_above(e))
        for path, messages in problems_of(found, schema).items():
            errors.setdefault(path, []).extend(messages)
        if errors:
            raise ValidationError(errors, "the form has errors")
        return data


def unknown_fields(schema: dict[str, Any], data: Any, prefix: str = "") -> list[str]:
    """Dotted paths of keys the form's (nested) properties do not declare.

    A form is closed even when its schema forgets `additionalProperties: false`: a post with
    fields nobody drew is tampered with, and its extra data must not reach the process.
    """
    properties = schema.get("properties")
    if not isinstance(data, dict) or not isinstance(properties, dict):
        return []
    found = []
    for key, value in data.items():
        if key not in properties:
            found.append(f"{prefix}{key}")
        elif isinstance(properties[key], dict):
            found += unknown_fields(properties[key], value, f"{prefix}{key}.")
    return found


@lru_cache(maxsize=256)
def _load_cached(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _load(path: Path) -> dict[str, Any]:
    return _load_cached(*_identity(path))


def _identity(path: Path) -> tuple[str, float]:
    """A form file's resolved path and modification time: an edited form is read again."""
    resolved = path.resolve()
    if not resolved.is_file():
        raise FileNotFoundError(f"form file {path.name} does not exist")
    return str(resolved), resolved.stat().st_mtime


@lru_cache(maxsize=256)
def _validator_cached(path: str, mtime: float) -> jsonschema.protocols.Validator:
    # Building a validator walks the schema; one per form version is enough.
    return jsonschema.Draft202012Validator(
        _load_cached(path, mtime), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _named_above(error: jsonschema.ValidationError) -> bool:
    """An extra key where the schema lists its properties: `unknown_fields` named it."""
    return error.validator == "additionalProperties" and bool(
        (error.schema or {}).get("properties")
    )
