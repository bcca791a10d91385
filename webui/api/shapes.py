"""What every API shape shares: the base model, field kinds and the error body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

# A field that may be left out but is never null: `x: int | Omitted = None`.
Omitted = SkipJsonSchema[None]
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Money = Annotated[
    str,
    Field(pattern=r"^\d+\.\d{2}$", examples=["2000000.00"], description="decimal string"),
]


def _without_null_defaults(schema: dict[str, Any]) -> None:
    """An omittable field's `default: null` would contradict its non-null type; drop it."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None and "anyOf" not in prop:
            del prop["default"]


class Shape(BaseModel):
    """An API request or response body; its JSON Schema is a component of the OpenAPI document."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra=_without_null_defaults)

    def dump(self) -> dict[str, Any]:
        """Return the JSON body: the fields that were given, under their wire names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    @classmethod
    def render(cls, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Check `fields` against this shape and return them as its JSON body.

        A field the shape does not declare is a programming error (raised, not dropped).
        """
        unknown = set(fields) - {field.alias or name for name, field in cls.model_fields.items()}
        if unknown:
            raise TypeError(f"{cls.__name__} declares no field {sorted(unknown)}")
        return cls.model_validate(fields).dump()


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any


class Error(Shape):
    """`{"error": {"code", "message", "details"}}`, the body of every 4xx answer."""

    error: ErrorBody
