"""Apply a field mapping (target field -> path or `=literal`) to task data."""

from __future__ import annotations

from typing import Any

from connectors.errors import ConnectorConfigError


def resolve(data: dict[str, Any], source: str) -> Any:
    """Return the value at a dotted path (None when absent), or the literal after `=`."""
    if source.startswith("="):
        return source[1:]
    value: Any = data
    for part in source.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def apply(mapping: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    """Build the other system's body: one field per mapping entry."""
    return {target: resolve(data, source) for target, source in mapping.items()}


def validate(mapping: Any) -> dict[str, str]:
    """Check an admin's mapping: an object of non-empty field names to non-empty sources."""
    if not isinstance(mapping, dict):
        raise ConnectorConfigError("a field mapping must be a JSON object")
    bad = [k for k, v in mapping.items() if not k or not isinstance(v, str) or not v.strip()]
    if bad:
        raise ConnectorConfigError(
            "every mapped field needs a path or =literal", details={"fields": bad}
        )
    return {str(k): v.strip() for k, v in mapping.items()}
