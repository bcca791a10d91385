"""Check contract input (create or partial edit) and collect every bad field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import jsonschema
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.approval.forms import unknown_fields
from contracts.core.field_messages import problems_of
from contracts.core.models import ContractType, ExchangeRate
from contracts.core.text_input import has_visible_character
from contracts.errors import ValidationError
from contracts.identity.models import Department

EDITABLE_FIELDS = (
    "title contract_type amount currency department counterparty effective_date expiry_date "
    "auto_renew notice_days tags custom_fields description"
).split()
REQUIRED_ON_CREATE = ("title", "contract_type", "amount", "department", "counterparty")
MAX_AMOUNT = Decimal("1e15")
MAX_TAGS = 20
CLOSED_SCHEMA = {"type": "object", "additionalProperties": False}


@dataclass
class ContractInput:
    """Clean values for the fields that were given; `given` says which."""

    values: dict[str, Any] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def parse_contract_input(
    session: Session, raw: Any, *, partial: bool, current: dict[str, Any] | None = None
) -> ContractInput:
    """Validate raw JSON-ish input; raise ValidationError naming every bad field."""
    if not isinstance(raw, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    errors = _field_set_errors(raw, partial=partial)
    out = _parse_fields(session, raw, errors)
    _check_dates(out, current or {}, errors)
    if "custom_fields" in out.values or "contract_type" in out.values:
        _check_custom_fields(out, current or {}, errors)
    if errors:
        raise ValidationError(errors)
    return out


def _field_set_errors(raw: dict[str, Any], *, partial: bool) -> dict[str, list[str]]:
    """Name the fields that may not be given, and (on create) the required ones missing."""
    errors: dict[str, list[str]] = {}
    for name in raw:
        if name not in EDITABLE_FIELDS:
            errors.setdefault(name, []).append("unknown or read-only field")
    if not partial:
        for name in REQUIRED_ON_CREATE:
            if raw.get(name) in (None, ""):
                errors.setdefault(name, []).append("is required")
    return errors


def _parse_fields(
    session: Session, raw: dict[str, Any], errors: dict[str, list[str]]
) -> ContractInput:
    """Parse each given editable field not already in error; add what fails to `errors`."""
    out = ContractInput()
    for name in EDITABLE_FIELDS:
        if name not in raw or name in errors:
            continue
        try:
            out.values[name] = _PARSERS[name](session, raw[name])
        except _Bad as bad:
            errors.setdefault(name, []).append(str(bad))
    return out


class _Bad(ValueError):
    pass


def _text(limit: int, *, required: bool = True):
    def parse(_: Session, value: Any) -> str:
        if not isinstance(value, str):
            raise _Bad("must be a string")
        value = value.strip()
        if required and not value:
            raise _Bad("must not be empty")
        if required and not has_visible_character(value):
            raise _Bad("must contain a visible character")
        if len(value) > limit:
            raise _Bad(f"must be at most {limit} characters")
        return value

    return parse


def _amount(_: Session, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad('must be a decimal number, e.g. "2000000.00"')
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _Bad('must be a decimal number, e.g. "2000000.00"') from None
    if not amount.is_finite():
        raise _Bad("must be a finite number")
    if amount < 0:
        raise _Bad("must not be negative")
    if amount >= MAX_AMOUNT:
        raise _Bad("is too large")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _Bad("must have at most 2 decimal places")
    return amount.quantize(Decimal("0.01"))


def _currency(session: Session, value: Any) -> str:
    if not isinstance(value, str) or len(value.strip()) != 3:
        raise _Bad("must be a 3-letter ISO 4217 code")
    code = value.strip().upper()
    if session.get(ExchangeRate, code) is None:
        known = ", ".join(
            session.scalars(select(ExchangeRate.currency).order_by(ExchangeRate.currency))
        )
        raise _Bad(f"unknown currency '{code}' (known: {known})")
    return code


def _contract_type(session: Session, value: Any) -> ContractType:
    return _by_code(session, ContractType, value, "contract type", "must be a string")


def _department(session: Session, value: Any) -> Department:
    return _by_code(session, Department, value, "department", "must be a department code")


_Coded = TypeVar("_Coded", ContractType, Department)


def _by_code(
    session: Session, model: type[_Coded], value: Any, noun: str, not_a_string: str
) -> _Coded:
    """The row whose code is `value`; refused, naming the known codes, when there is none."""
    if not isinstance(value, str):
        raise _Bad(not_a_string)
    found = session.scalars(select(model).where(model.code == value)).first()
    if found is None:
        known = ", ".join(session.scalars(select(model.code).order_by(model.code)))
        raise _Bad(f"unknown {noun} '{value}' (known: {known})")
    return found


def _date(_: Session, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Bad('must be an ISO date, e.g. "2027-06-30"')
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad('must be an ISO date, e.g. "2027-06-30"') from None


def _bool(_: Session, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _notice_days(_: Session, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad("must be a whole number of days")
    if not 0 <= value <= 3650:
        raise _Bad("must be between 0 and 3650")
    return value


def _tags(_: Session, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise _Bad("must be a list of strings")
    tags = sorted({t.strip() for t in value if t.strip()})
    if len(tags) > MAX_TAGS:
        raise _Bad(f"at most {MAX_TAGS} tags")
    if any(len(t) > 60 for t in tags):
        raise _Bad("each tag must be at most 60 characters")
    return tags


def _object(_: Session, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad("must be an object")
    return value


_PARSERS = {
    "title": _text(300),
    "contract_type": _contract_type,
    "amount": _amount,
    "currency": _currency,
    "department": _department,
    "counterparty": _text(200),
    "effective_date": _date,
    "expiry_date": _date,
    "auto_renew": _bool,
    "notice_days": _notice_days,
    "tags": _tags,
    "custom_fields": _object,
    "description": _text(20000, required=False),
}


def _check_dates(out: ContractInput, current: dict[str, Any], errors: dict[str, list[str]]) -> None:
    effective = out.values.get("effective_date", current.get("effective_date"))
    expiry = out.values.get("expiry_date", current.get("expiry_date"))
    if effective and expiry and expiry < effective and "expiry_date" not in errors:
        errors.setdefault("expiry_date", []).append("must not be before effective_date")


def _check_custom_fields(
    out: ContractInput, current: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    """Check the fields against the type's schema; a field it does not declare is refused.

    A type without a schema declares no fields, so it takes none; a schema that does
    not allow extra properties explicitly is closed (`additionalProperties: false`).
    """
    contract_type = out.values.get("contract_type", current.get("contract_type"))
    fields = out.values.get("custom_fields", current.get("custom_fields") or {})
    if "custom_fields" in errors or "contract_type" in errors:
        return
    schema = getattr(contract_type, "custom_fields_schema", None) or CLOSED_SCHEMA
    code = getattr(contract_type, "code", "")
    if schema.get("additionalProperties", False) is False:
        for path in unknown_fields({"properties": {}, **schema}, fields):
            errors.setdefault(f"custom_fields.{path}", []).append(
                f"is not a custom field of contract type '{code}'"
            )
    validator = jsonschema.Draft202012Validator(schema)
    found = (e for e in validator.iter_errors(fields) if e.validator != "additionalProperties")
    for path, messages in problems_of(found, schema, "custom_fields.").items():
        errors.setdefault(path, []).extend(messages)
