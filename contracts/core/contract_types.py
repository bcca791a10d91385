"""Contract types and their custom-field JSON Schema (admins add and change them)."""

from __future__ import annotations

import math
import re
from typing import Any

import jsonschema
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.core.models import ContractType
from contracts.core.text_input import has_visible_character
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity.actor import Actor
from contracts.identity.models import Role

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
FIELD_TYPES = ("string", "number", "integer", "boolean")
TYPE_ADMINS = (Role.ADMIN, Role.PROCESS_ADMIN)


def require_type_admin(actor: Actor) -> None:
    if not actor.user.has_role(*TYPE_ADMINS):
        raise PermissionDeniedError("only admins and process admins manage contract types")


def list_types(session: Session) -> list[ContractType]:
    return list(session.scalars(select(ContractType).order_by(ContractType.code)))


def get_type(session: Session, code: str) -> ContractType:
    found = session.scalars(select(ContractType).where(ContractType.code == code)).first()
    if found is None:
        from engine.errors import NotFoundError

        raise NotFoundError(f"contract type '{code}' does not exist")
    return found


def create_type(session: Session, raw: Any, actor: Actor) -> ContractType:
    """Add a contract type: `{"code", "name", "custom_fields_schema"?}`."""
    require_type_admin(actor)
    if not isinstance(raw, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        errors["code"] = ["2-40 characters: a lowercase letter, then letters, digits or '_'"]
    elif session.scalars(select(ContractType.id).where(ContractType.code == code)).first():
        errors["code"] = [f"contract type '{code}' already exists"]
    name = _name(raw.get("name"), errors)
    schema = _schema(raw.get("custom_fields_schema"), errors)
    if errors:
        raise ValidationError(errors)
    contract_type = ContractType(code=code, name=name, custom_fields_schema=schema)
    session.add(contract_type)
    session.flush()
    _audit(session, "contract_type.create", contract_type, actor)
    return contract_type


def update_type(session: Session, code: str, raw: Any, actor: Actor) -> ContractType:
    """Change a type's name and/or custom-field schema (partial)."""
    require_type_admin(actor)
    contract_type = get_type(session, code)
    if not isinstance(raw, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    for name in raw:
        if name not in ("name", "custom_fields_schema"):
            errors[name] = ["unknown or read-only field"]
    if "name" in raw:
        contract_type.name = _name(raw["name"], errors)
    if "custom_fields_schema" in raw:
        contract_type.custom_fields_schema = _schema(raw["custom_fields_schema"], errors)
    if errors:
        raise ValidationError(errors)
    session.flush()
    _audit(session, "contract_type.edit", contract_type, actor)
    return contract_type


def check_custom_fields_schema(schema: Any) -> list[str]:
    """Return what is wrong with a custom-field schema (empty when it is fine)."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return ['must be a JSON Schema object with "type": "object"']
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return [f"not a valid JSON Schema: {exc.message}"]
    problems = []
    for field, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type") if isinstance(prop, dict) else None
        if kind not in FIELD_TYPES:
            problems.append(f"property '{field}' must have a type among {', '.join(FIELD_TYPES)}")
    return problems


def form_fields(schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Describe a schema's properties for a form: name, label, input kind, choices, required."""
    schema = schema or {}
    required = set(schema.get("required") or [])
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        fields.append(
            {
                "name": name,
                "label": prop.get("title") or name.replace("_", " ").capitalize(),
                "kind": input_kind(prop),
                "choices": prop.get("enum") or [],
                "required": name in required,
                "description": prop.get("description", ""),
            }
        )
    return fields


def input_kind(prop: dict[str, Any]) -> str:
    """The HTML input for a JSON Schema property: enum, boolean, number, date or text."""
    if prop.get("enum"):
        return "enum"
    kind = prop.get("type")
    if kind == "boolean":
        return "boolean"
    if kind in ("number", "integer"):
        return "number"
    if prop.get("format") == "date":
        return "date"
    return "text"


def coerce_form_value(prop: dict[str, Any], value: str | None) -> Any:
    """Turn a form string into the schema's type; leave it as text when it doesn't parse."""
    kind = prop.get("type")
    if kind == "boolean":
        return value in ("on", "true", "1")
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                return value  # "1e999", "nan": the schema check names the field
            return int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        return value  # the schema check names the field
    return value


def values_from_form(schema: dict[str, Any] | None, form: Any, prefix: str = "") -> dict[str, Any]:
    """Read a schema's properties from a submitted form (missing/empty ones left out)."""
    values: dict[str, Any] = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        value = coerce_form_value(prop, form.get(prefix + name))
        if value is not None:
            values[name] = value
    return values


def _name(value: Any, errors: dict[str, list[str]]) -> str:
    if not isinstance(value, str) or not has_visible_character(value) or len(value.strip()) > 120:
        errors["name"] = ["must be 1-120 characters, at least one of them visible"]
        return ""
    return value.strip()


def _schema(value: Any, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    if value is None:
        return None
    problems = check_custom_fields_schema(value)
    if problems:
        errors["custom_fields_schema"] = problems
        return None
    return dict(value)


def _audit(session: Session, action: str, contract_type: ContractType, actor: Actor) -> None:
    audit.record_as(
        session,
        action,
        actor,
        object_type="contract_type",
        object_id=contract_type.code,
        details={"schema": contract_type.custom_fields_schema},
    )
