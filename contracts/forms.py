"""Load user-task forms (JSON Schema files in `forms/`) and validate submissions."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from contracts.errors import ValidationError

# A task without a form gets the approval form: approve/reject with a comment.
DEFAULT_FORM = "approval.schema.json"


class FormLibrary:
    """The forms of one directory, read once each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

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
            errors.setdefault(path, []).append("is not a field of this form")
        for error in _validator_cached(*identity).iter_errors(data):
            for field_name, message in _describe(error):
                errors.setdefault(field_name, []).append(message)
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


def _describe(error: jsonschema.ValidationError) -> list[tuple[str, str]]:
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return [(".".join(filter(None, [where, name])), "is required") for name in missing]
    if error.validator == "additionalProperties":
        allowed = set((error.schema or {}).get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        return [
            (".".join(filter(None, [where, name])), "is not a field of this form")
            for name in extra
            if not (error.schema or {}).get("properties")  # unknown_fields reported those
        ]
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return [(where or "data", f"must be one of: {choices}")]
    blank = isinstance(error.instance, str) and not error.instance.strip()
    if error.validator in ("minLength", "pattern") and blank:
        return [(where or "data", "must not be empty")]
    return [(where or "data", error.message)]
