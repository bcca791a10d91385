"""Declare each API operation once: route, input schema, responses -> OpenAPI 3."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Flask, request
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from werkzeug.routing import IntegerConverter, Map

from contracts.errors import ValidationError
from webui.api.shapes import Error, Shape

REF_TEMPLATE = "#/components/schemas/{model}"
S = TypeVar("S", bound=Shape)

ERROR_RESPONSES = {
    400: "Malformed request (e.g. invalid JSON)",
    401: "Not signed in / no valid bearer token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Invalid input; details name each bad field",
    429: "Too many requests for this token; see Retry-After",
}


def refusals(*codes: int) -> dict[int, type[Shape] | None]:
    """The error answers an operation may give, each with the shared `Error` shape."""
    return dict.fromkeys(codes)


# The scope a bearer token needs, by the operation's first tag, for reading and writing.
SCOPE_BY_TAG = {
    "contracts": ("contracts:read", "contracts:write"),
    "documents": ("contracts:read", "contracts:write"),
    "templates": ("contracts:read", "contracts:write"),
    "contract types": ("contracts:read", "contracts:write"),
    "tasks": ("tasks:read", "tasks:write"),
    "integration": ("webhooks:admin", "webhooks:admin"),
    "admin-processes": ("processes:admin", "processes:admin"),
    "admin-instances": ("processes:admin", "processes:admin"),
}


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    tags: list[str]
    body: type[Shape] | None
    responses: dict[int, type[Shape] | None]
    params: list[dict[str, Any]] = field(default_factory=list)
    auth: bool = True
    scope: str | None = None


@dataclass(frozen=True)
class Access:
    """Who may call an /api/v1 view: anyone (`public`), or a session or a token with `scope`."""

    scope: str | None
    public: bool = False


def declared_access(view: Callable[..., Any] | None) -> Access | None:
    """The access a view declared through `operation` or `public_endpoint`; None if it did not.

    `webui.auth.enforce_api_access` refuses every /api/v1 request to an undeclared view.
    """
    return getattr(view, "api_access", None)


def public_endpoint(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declare a view under /api/v1 that needs no sign-in (it must not disclose user data)."""
    view.api_access = Access(scope=None, public=True)  # type: ignore[attr-defined]
    return view


MAX_ID = 2**63 - 1  # the largest id a 64-bit integer column holds


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches no route above MAX_ID (a 404), so no id overflows the database."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def operation(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tags: list[str],
    body: type[Shape] | None = None,
    responses: dict[int, type[Shape] | None],
    params: list[dict[str, Any]] | None = None,
    auth: bool = True,
    scope: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on `bp` and describe it for the OpenAPI document.

    `body` and `responses` name the pydantic shapes (webui/<feature>/shapes.py) of the
    request and of each answer; a 4xx answer without one has the shared `Error` shape.

    An authenticated operation needs a token `scope` (by default derived from
    its first tag and method, see SCOPE_BY_TAG) and counts against the
    token's rate limit; it answers 403 and 429 accordingly. Declaring one
    without a scope is a programming error, raised at import.
    """
    path = (bp.url_prefix or "") + rule
    if auth and scope is None and tags and tags[0] in SCOPE_BY_TAG:
        scope = SCOPE_BY_TAG[tags[0]][0 if method.upper() == "GET" else 1]
    if auth and not scope:
        raise ValueError(
            f"{method} {path}: name the token scope (scope=… or a tag in SCOPE_BY_TAG)"
            " or declare it public (auth=False)"
        )
    if auth:
        responses = {403: None, 429: None, **responses}
    described = Operation(
        method.lower(), path, summary, tags, body, responses, params or [], auth, scope
    )

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        # Enforced before any view runs, by webui.auth.enforce_api_access.
        view.api_access = Access(scope=scope, public=not auth)  # type: ignore[attr-defined]
        # Read back by openapi_document from the app's routes: no list outside the app.
        view.api_operation = described  # type: ignore[attr-defined]
        bp.add_url_rule(rule, view.__name__, view, methods=[method.upper()])
        return view

    return decorate


def query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def json_body() -> Any:
    """Return the parsed JSON body; 415 when not JSON, 400 when malformed."""
    from werkzeug.exceptions import BadRequest, UnsupportedMediaType

    if not request.is_json:
        raise UnsupportedMediaType("send the body as application/json")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("the body is not valid JSON")
    return data


def json_object() -> dict[str, Any]:
    """Return the parsed JSON body, which must be an object (else a 422)."""
    data = json_body()
    if not isinstance(data, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    return data


def read_body(shape: type[S], messages: Mapping[str, str]) -> S:
    """Validate the JSON object body against `shape`; a 422 in today's error format if bad.

    `messages` maps a pydantic error type (`missing`, `string_type`, …) to the message the
    API has always given for it, so clients and the zh translation see no difference.
    """
    try:
        return shape.model_validate(json_object())
    except PydanticValidationError as exc:
        raise ValidationError(field_errors(exc, messages)) from None


def field_errors(exc: PydanticValidationError, messages: Mapping[str, str]) -> dict[str, list[str]]:
    """Turn pydantic's errors into `{field: [message, …]}`, fields in declaration order."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        message = messages.get(error["type"], error["msg"])
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return errors


def _path_to_openapi(path: str) -> tuple[str, list[dict[str, Any]]]:
    import re

    params = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", path):
        schema = (
            {"type": "integer", "minimum": 0, "maximum": MAX_ID}
            if converter == "int"
            else {"type": "string"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path), params


def _operation_id(method: str, path: str) -> str:
    words = path.removeprefix("/api/v1/").replace("{", "").replace("}", "").split("/")
    return "_".join([method, *words])


def _shape(op: Operation, status: int) -> type[Shape] | None:
    shape = op.responses[status]
    return shape or (Error if status >= 400 else None)


def _components(operations: list[Operation]) -> tuple[dict[type[Shape], Any], dict[str, Any]]:
    """JSON Schema of every shape the operations name (and the shapes inside them)."""
    shapes: set[type[Shape]] = {Error}
    for op in operations:
        shapes.update(s for s in (op.body, *op.responses.values()) if s is not None)
    mode: JsonSchemaMode = "validation"
    ordered = sorted(shapes, key=lambda shape: shape.__name__)
    refs, schema = models_json_schema([(s, mode) for s in ordered], ref_template=REF_TEMPLATE)
    return {shape: refs[(shape, mode)] for shape in ordered}, schema.get("$defs", {})


def _json_content(ref: Any) -> dict[str, Any]:
    return {"application/json": {"schema": ref}}


def declared_operations(app: Flask) -> list[Operation]:
    """The operations of the views `app` routes to, in the order their rules were added."""
    found = (
        getattr(app.view_functions[r.endpoint], "api_operation", None)
        for r in app.url_map.iter_rules()
    )
    return [op for op in found if op is not None]


def openapi_document(app: Flask) -> dict[str, Any]:
    """Build the OpenAPI 3.1 document from the app's declared operations and their shapes."""
    operations = declared_operations(app)
    refs, components = _components(operations)
    paths: dict[str, Any] = {}
    for op in operations:
        path, path_params = _path_to_openapi(op.path)
        responses: dict[str, Any] = {}
        for status in sorted(op.responses):
            entry: dict[str, Any] = {"description": ERROR_RESPONSES.get(status, "OK")}
            shape = _shape(op, status)
            if shape:
                entry["content"] = _json_content(refs[shape])
            responses[str(status)] = entry
        item: dict[str, Any] = {
            "summary": op.summary,
            "tags": op.tags,
            "operationId": _operation_id(op.method, path),
            "parameters": path_params + op.params,
            "responses": responses,
        }
        if op.body:
            item["requestBody"] = {"required": True, "content": _json_content(refs[op.body])}
        if not op.auth:
            item["security"] = []
        if op.scope:
            item["x-required-scope"] = op.scope
            item["description"] = f"Bearer tokens need the scope `{op.scope}`."
        paths.setdefault(path, {})[op.method] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ContractFlow API",
            "version": "1.0.0",
            "description": "Contracts, approval tasks and their history. "
            "Money is a decimal string, "
            'dates ISO 8601. Errors: {"error": {"code", "message", "details"}}.',
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
