"""The OpenAPI document keeps every operation, parameter and field it had (issue 13).

tests/fixtures/openapi_coverage.json is a frozen reduction of /api/v1/openapi.json taken
before the API shapes moved to pydantic models: every path and method, every parameter,
and every request/response schema's fields (recursively) with their required-ness and type.
The document may grow and gain precision (formats, patterns, enums, a type where there was
none) but nothing in the snapshot may disappear or change its type or required-ness.

Regenerate (only for an intended API change):
``python -m tests.webui.api.test_openapi_equivalence``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parents[2] / "fixtures" / "openapi_coverage.json"
MAX_DEPTH = 6
ANY = "any"

Schema = dict[str, Any]


def _resolve(schema: Schema, components: dict[str, Schema]) -> Schema:
    """Follow $ref and merge allOf into one flat schema (properties, required, types)."""
    while "$ref" in schema:
        schema = {**components[schema["$ref"].rsplit("/", 1)[-1]], **_without(schema, "$ref")}
    if "allOf" in schema:
        merged: Schema = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _resolve(part, components)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
            merged.setdefault("type", part.get("type"))
        return merged
    return schema


def _without(schema: Schema, key: str) -> Schema:
    return {k: v for k, v in schema.items() if k != key}


def _variants(schema: Schema, components: dict[str, Schema]) -> list[Schema]:
    """The alternatives a schema allows (anyOf/oneOf members), each resolved."""
    schema = _resolve(schema, components)
    members = schema.get("anyOf") or schema.get("oneOf")
    if not members:
        return [schema]
    return [v for member in members for v in _variants(member, components)]


def _types(variants: list[Schema]) -> list[str]:
    found: set[str] = set()
    for variant in variants:
        declared = variant.get("type")
        if declared is None and "properties" in variant:
            declared = "object"
        if declared is None and "const" in variant and variant["const"] is None:
            declared = "null"
        if declared is None:
            return [ANY]
        found.update([declared] if isinstance(declared, str) else declared)
    return sorted(found)


def _fields(schema: Schema, components: dict[str, Schema], depth: int = 0) -> dict[str, Any]:
    """The fields of a schema: name -> {required, type, fields}, following arrays and refs."""
    out: dict[str, Any] = {}
    if depth > MAX_DEPTH:
        return out
    for variant in _variants(schema, components):
        if "items" in variant:
            out.update(_fields(variant["items"], components, depth + 1))
        required = set(variant.get("required", []))
        for name, sub in variant.get("properties", {}).items():
            out[name] = {
                "required": name in required,
                "type": _types(_variants(sub, components)),
                "fields": _fields(sub, components, depth + 1),
            }
        extra = variant.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            out["*"] = {
                "required": False,
                "type": _types(_variants(extra, components)),
                "fields": _fields(extra, components, depth + 1),
            }
    return out


def _content_schema(entry: Schema) -> Schema | None:
    return entry.get("content", {}).get("application/json", {}).get("schema")


def reduce(document: dict[str, Any]) -> dict[str, Any]:
    """Reduce an OpenAPI document to its operations, parameters and fields."""
    components = document.get("components", {}).get("schemas", {})
    reduced: dict[str, Any] = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            body = _content_schema(op.get("requestBody", {}))
            responses = {}
            for status, entry in op.get("responses", {}).items():
                schema = _content_schema(entry)
                responses[status] = None if schema is None else _fields(schema, components)
            reduced[f"{method.upper()} {path}"] = {
                "parameters": sorted(f"{p['in']}:{p['name']}" for p in op.get("parameters", [])),
                "body": None if body is None else _fields(body, components),
                "responses": responses,
            }
    return reduced


def _lost(before: Any, after: Any, where: str) -> list[str]:
    """Everything `before` promised that `after` no longer does."""
    problems: list[str] = []
    if before is None:
        return problems
    if after is None:
        return [f"{where}: schema disappeared"]
    for name, field in before.items():
        here = f"{where}.{name}"
        if name not in after:
            problems.append(f"{here}: missing")
            continue
        now = after[name]
        if now["required"] != field["required"]:
            problems.append(f"{here}: required {field['required']} -> {now['required']}")
        if field["type"] != [ANY] and now["type"] != field["type"]:
            problems.append(f"{here}: type {field['type']} -> {now['type']}")
        problems += _lost(field["fields"], now["fields"], here)
    return problems


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """List every operation, parameter or field of `before` that `after` lost or changed."""
    problems: list[str] = []
    for key, op in before.items():
        if key not in after:
            problems.append(f"{key}: operation missing")
            continue
        now = after[key]
        missing = [p for p in op["parameters"] if p not in now["parameters"]]
        problems += [f"{key}: parameter {p} missing" for p in missing]
        problems += _lost(op["body"], now["body"], f"{key} body")
        for status, fields in op["responses"].items():
            if status not in now["responses"]:
                problems.append(f"{key} {status}: response missing")
                continue
            problems += _lost(fields, now["responses"][status], f"{key} {status}")
    return problems


def test_the_snapshot_covers_the_api() -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    assert len(snapshot) > 60
    assert snapshot["GET /api/v1/contracts/{contract_id}"]["responses"]["200"]["amount"] == {
        "required": True,
        "type": ["string"],
        "fields": {},
    }


def test_the_document_keeps_every_operation_parameter_and_field(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    problems = compare(json.loads(SNAPSHOT.read_text()), reduce(document))
    assert problems == [], "\n".join(problems)


def test_the_comparison_notices_a_lost_field() -> None:
    before = {
        "GET /x": {
            "parameters": ["query:q"],
            "body": None,
            "responses": {"200": {"a": {"required": True, "type": ["string"], "fields": {}}}},
        }
    }
    lost_field = {"GET /x": {"parameters": ["query:q"], "body": None, "responses": {"200": {}}}}
    lost_param = {**before, "GET /x": {**before["GET /x"], "parameters": []}}
    optional = {
        "GET /x": {
            **before["GET /x"],
            "responses": {"200": {"a": {"required": False, "type": ["string"], "fields": {}}}},
        }
    }
    assert compare(before, before) == []
    assert compare(before, lost_field) == ["GET /x 200.a: missing"]
    assert compare(before, lost_param) == ["GET /x: parameter query:q missing"]
    assert compare(before, optional) == ["GET /x 200.a: required True -> False"]
    assert compare(before, {}) == ["GET /x: operation missing"]


if __name__ == "__main__":  # regenerate the snapshot from the current code
    import tempfile

    from tests.conftest import make_app

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder) / "snapshot.db", Path(folder))
        doc = app.test_client().get("/api/v1/openapi.json").get_json()
    SNAPSHOT.write_text(json.dumps(reduce(doc), indent=1, sort_keys=True) + "\n")
