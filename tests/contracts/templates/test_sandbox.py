"""The template sandbox: fields checked by JSON Schema, escapes and runaway bodies refused."""

from __future__ import annotations

import pytest

from contracts.templates import sandbox
from contracts.templates.errors import TemplateBodyError, TemplateFieldsError

SCHEMA = {
    "type": "object",
    "properties": {
        "counterparty": {"type": "string"},
        "amount": {"type": "number", "minimum": 0},
        "effective_date": {"type": "string", "format": "date"},
    },
    "required": ["counterparty", "amount"],
}


def test_renders_placeholders_and_money():
    text = sandbox.render_body(
        "{{ counterparty }}: {{ amount|money }}", {"counterparty": "ACME", "amount": 1234567.5}
    )
    assert text == "ACME: 1,234,567.50"


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ counterparty.__class__.__base__.__subclasses__() }}",
        "{% for i in range(10**9) %}x{% endfor %}",
        "{% for i in range(100000) %}x{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ 2 ** 100000 }}",
        "{{ ((2 ** 64) ** 64) ** 64 }}",
        "{% for i in range(1000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
        "{% for a in 'x' * 1000 %}{% for b in 'y' * 1000 %}{% endfor %}{% endfor %}",
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
        "{{ config }}",
        "{{ self.__init__.__globals__ }}",
        "{{ lipsum(100000) }}",
        "{% if %}",
    ],
)
def test_escape_and_runaway_bodies_are_refused(body):
    with pytest.raises(TemplateBodyError) as caught:
        sandbox.render_body(body, {"counterparty": "ACME", "amount": 1})
    assert caught.value.message


def test_loops_within_the_budget_work_and_know_their_length():
    body = "{% for i in range(3) %}{{ loop.index }}/{{ loop.length }} {% endfor %}"
    assert sandbox.render_body(body, {}) == "1/3 2/3 3/3 "


def test_undefined_placeholder_is_an_error_not_blank():
    with pytest.raises(TemplateBodyError, match="undefined"):
        sandbox.render_body("{{ nobody }}", {})


def test_fields_are_validated_and_named():
    with pytest.raises(TemplateFieldsError) as caught:
        sandbox.validate_fields(SCHEMA, {"amount": -1, "effective_date": "30/06/2027"})
    assert {"fields.counterparty", "fields.amount", "fields.effective_date"} <= set(
        caught.value.details
    )


@pytest.mark.parametrize("schema", [[], {"type": "array"}, {"type": "object", "properties": 3}])
def test_a_bad_fields_schema_is_refused(schema):
    with pytest.raises(TemplateFieldsError):
        sandbox.check_fields_schema(schema)
