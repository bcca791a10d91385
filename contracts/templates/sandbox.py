"""Render template bodies in a locked-down Jinja2 sandbox, after checking the fields.

The sandbox refuses attribute tricks (`__class__`, `__globals__`); on top of it
we keep only harmless globals and filters, cap `range`, string and list
repetition and powers, and stop rendering once the output passes a size limit,
so a body can neither escape nor run away with memory or time.
"""

from __future__ import annotations

import contextvars
import operator
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import jsonschema
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from contracts.core.field_messages import problems_of
from contracts.templates.errors import TemplateBodyError, TemplateFieldsError

MAX_OUTPUT_CHARS = 200_000
MAX_RANGE = 1_000
MAX_REPEAT = 10_000
MAX_EXPONENT = 64
MAX_INT_BITS = 10_000
MAX_BODY_CHARS = 100_000
MAX_LOOP_STEPS = 200_000
LOOP_GUARD = "__loop_guard"
SAFE_FILTERS = (
    "abs capitalize default d first float int join last length count list lower max min "
    "replace round sort string sum title trim truncate unique upper"
).split()


def money(value: Any) -> str:
    """Format a number as 1,234,567.00."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


_steps: contextvars.ContextVar[list[int]] = contextvars.ContextVar("template_loop_steps")


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    """Count every loop step of one render; nested loops share the budget."""
    steps = _steps.get()
    for item in iterable:
        steps[0] += 1
        if steps[0] > MAX_LOOP_STEPS:
            raise SecurityError(f"loops are limited to {MAX_LOOP_STEPS} steps in all")
        yield item


def _guard_loops(tree: nodes.Template) -> nodes.Template:
    """Wrap the iterable of every `for` in the loop guard (no loop runs unmetered)."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(
            nodes.Name(LOOP_GUARD, "load", lineno=loop.lineno),
            [loop.iter],
            [],
            None,
            None,
            lineno=loop.lineno,
        )
    return tree


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} items")
    return result


class ContractSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"powers are limited to exponent {MAX_EXPONENT}")
            if isinstance(left, int) and left.bit_length() * abs(right) > MAX_INT_BITS:
                raise SecurityError("the number would be too large")
            return operator.pow(left, right)
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("the number would be too large")
        sized = (str, list, tuple)
        count = right if isinstance(left, sized) else left
        if isinstance(left, sized) or isinstance(right, sized):
            if not isinstance(count, int) or count > MAX_REPEAT:
                raise SecurityError(f"repetition is limited to {MAX_REPEAT} times")
        return operator.mul(left, right)


def _environment() -> ContractSandbox:
    env = ContractSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    env.globals["range"] = _range
    env.globals[LOOP_GUARD] = _loop_guard
    env.filters = {name: env.filters[name] for name in SAFE_FILTERS}
    env.filters["money"] = money
    return env


ENVIRONMENT = _environment()


def check_body(body: str) -> None:
    """Compile a body; raise TemplateBodyError for syntax errors or oversize bodies."""
    if len(body) > MAX_BODY_CHARS:
        raise TemplateBodyError(f"the body is longer than {MAX_BODY_CHARS} characters")
    try:
        tree = ENVIRONMENT.parse(body)
    except TemplateSyntaxError as exc:
        raise TemplateBodyError(
            f"template syntax error on line {exc.lineno}: {exc.message}",
            details={"body": [f"line {exc.lineno}: {exc.message}"]},
        ) from None
    _check_names(tree)


def _check_names(tree: nodes.Template) -> None:
    """Refuse a filter or test the sandbox does not offer, naming it and what it offers.

    Jinja only notices an unknown name when compiling, or (inside a block) when rendering;
    checking the parsed body catches every use up front.
    """
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind, known = (
            ("filter", ENVIRONMENT.filters)
            if isinstance(node, nodes.Filter)
            else ("test", ENVIRONMENT.tests)
        )
        if node.name not in known:
            allowed = ", ".join(sorted(known))
            raise TemplateBodyError(
                f"unknown template {kind} '{node.name}' on line {node.lineno} (allowed: {allowed})",
                details={"body": [f"line {node.lineno}: unknown {kind} '{node.name}'"]},
            )


def variables(body: str) -> set[str]:
    """Return the top-level names a body reads."""
    from jinja2 import meta

    tree: nodes.Template = ENVIRONMENT.parse(body)
    return set(meta.find_undeclared_variables(tree))


def check_fields_schema(schema: Any) -> None:
    """A fields schema must be a valid JSON Schema describing an object."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise TemplateFieldsError(
            'the fields schema must be a JSON Schema object with "type": "object"',
            details={"fields_schema": ['must have "type": "object"']},
        )
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise TemplateFieldsError(
            f"the fields schema is not valid JSON Schema: {exc.message}",
            details={"fields_schema": [exc.message]},
        ) from None


def validate_fields(schema: dict[str, Any], fields: Any) -> dict[str, Any]:
    """Check field values against the schema; name every bad field as `fields.<name>`."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = problems_of(validator.iter_errors(fields), schema, "fields.")
    if errors:
        raise TemplateFieldsError(
            f"invalid template fields: {', '.join(sorted(errors))}", details=errors
        )
    return dict(fields)


def render_body(body: str, fields: dict[str, Any]) -> str:
    """Render a body with the given values inside the sandbox, with an output limit."""
    check_body(body)
    token = _steps.set([0])
    try:
        tree = _guard_loops(ENVIRONMENT.parse(body))
        template = ENVIRONMENT.template_class.from_code(
            ENVIRONMENT, ENVIRONMENT.compile(tree), ENVIRONMENT.make_globals(None), None
        )
        parts: list[str] = []
        size = 0
        for chunk in template.generate(**fields):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateBodyError(
                    f"the rendered text is longer than {MAX_OUTPUT_CHARS} characters",
                    details={"body": ["output too large"]},
                )
            parts.append(chunk)
    except SecurityError as exc:
        raise TemplateBodyError(
            f"the template tried something the sandbox forbids: {exc}",
            details={"body": [f"forbidden: {exc}"]},
        ) from None
    except UndefinedError as exc:
        raise TemplateBodyError(
            f"the template uses an undefined value: {exc.message}",
            details={"body": [str(exc.message)]},
        ) from None
    except (TypeError, ValueError, ArithmeticError, RecursionError, TemplateError) as exc:
        raise TemplateBodyError(
            f"the template failed to render: {exc}", details={"body": [str(exc)]}
        ) from None
    finally:
        _steps.reset(token)
    return "".join(parts)


def sample_values(schema: dict[str, Any]) -> dict[str, Any]:
    """Invent plausible values for a schema's properties (for previews and checks)."""
    values: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        values[name] = _sample(name, prop if isinstance(prop, dict) else {})
    return values


def _sample(name: str, prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    if prop.get("examples"):
        return prop["examples"][0]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    if kind in ("number", "integer"):
        return max(prop.get("minimum", 0), 1000)
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if prop.get("format") == "date":
        return "2027-01-01"
    return prop.get("title") or name
