"""Reading the admin and drafting forms: JSON textareas and schema-driven field inputs."""

from __future__ import annotations

import json
from typing import Any

from contracts.errors import ValidationError


def json_field(form: Any, name: str, *, allow_empty: bool = False) -> Any:
    """Parse a JSON textarea; a ValidationError names the field when it is not JSON."""
    text = (form.get(name) or "").strip()
    if not text:
        if allow_empty:
            return None
        raise ValidationError({name: ["is required"]})
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {name: [f"is not valid JSON: {exc.msg} (line {exc.lineno})"]}
        ) from None


def pretty(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=2)
