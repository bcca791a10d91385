"""Task forms from JSON Schema: the renderer's HTML and the round trip through the validator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from contracts.approval.forms import FormLibrary
from contracts.errors import ValidationError
from webui.forms_render import UnknownFieldError, parse_form, render_form

FORMS = Path(__file__).resolve().parents[2] / "forms"

EVERYTHING = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "count", "kind", "due", "address"],
    "properties": {
        "title": {
            "type": "string",
            "title": "Title",
            "minLength": 2,
            "maxLength": 20,
            "pattern": "^[A-Z]",
        },
        "notes": {"type": "string", "title": "Notes", "description": "Anything else"},
        "count": {"type": "integer", "title": "Count", "minimum": 1, "maximum": 9},
        "ratio": {"type": "number", "title": "Ratio"},
        "urgent": {"type": "boolean", "title": "Urgent"},
        "kind": {"type": "string", "enum": ["a", "b"], "enumNames": ["Alpha", "Beta"]},
        "size": {"type": "string", "enum": ["s", "m"], "title": "Size"},
        "due": {"type": "string", "format": "date", "title": "Due"},
        "tags": {"type": "array", "items": {"type": "string"}, "title": "Tags", "maxItems": 3},
        "address": {
            "type": "object",
            "title": "Address",
            "required": ["city"],
            "additionalProperties": False,
            "properties": {"city": {"type": "string", "title": "City"}, "zip": {"type": "string"}},
        },
    },
}
UI = {
    "ui:order": ["title", "kind", "*"],
    "notes": {"ui:widget": "textarea"},
    "kind": {"ui:widget": "radio"},
}


def library(tmp_path: Path, schema: dict) -> FormLibrary:
    (tmp_path / "f.schema.json").write_text(json.dumps(schema))
    return FormLibrary(tmp_path)


# -- rendering ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("needle"),
    [
        '<label for="field-title">Title <span class="required" aria-hidden="true">*</span>',
        'minlength="2" maxlength="20" pattern="^[A-Z]"',
        '<textarea id="field-notes" name="notes" aria-describedby="field-notes-help" rows="4">',
        '<p class="help" id="field-notes-help">Anything else</p>',
        'type="number" id="field-count" name="count" value="" required min="1" max="9" step="1"',
        'type="number" id="field-ratio" name="ratio" value="" step="any"',
        '<input type="checkbox" id="field-urgent" name="urgent" value="true">',
        '<fieldset class="field" id="field-kind"><legend>Kind',
        'type="radio" name="kind" id="field-kind-0" value="a" required> Alpha</label>',
        '<select id="field-size" name="size"><option value="">Choose…</option>',
        '<option value="s">s</option>',
        'type="date" id="field-due" name="due" value="" required',
        '<textarea id="field-tags" name="tags" rows="3">',
        '<fieldset class="field field-group" id="field-address"><legend>Address <span',
        '<label for="field-address-city">City <span class="required"',
        'name="address.city"',
    ],
)
def test_every_kind_of_field_renders_accessibly(needle):
    assert needle in str(render_form(EVERYTHING, UI))


def test_ui_order_puts_fields_first_and_star_keeps_the_rest():
    html = str(render_form(EVERYTHING, UI))
    names = list(dict.fromkeys(re.findall(r'name="([\w.]+)"', html)))
    assert names[:3] == ["title", "kind", "notes"] and names[-2:] == ["address.city", "address.zip"]


def test_values_are_kept_and_errors_sit_next_to_their_field():
    values = MultiDict(
        {"title": "<b>x</b>", "kind": "b", "size": "m", "urgent": "true", "tags": "a\nb"}
    )
    errors = {"title": ["is too short"], "address.city": ["is required"], "tags.1": ["bad"]}
    html = str(render_form(EVERYTHING, UI, values, errors))
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in html  # escaped, inert
    assert 'aria-describedby="field-title-errors" aria-invalid="true"' in html
    assert '<ul class="field-errors" id="field-title-errors"><li>is too short</li></ul>' in html
    assert 'id="field-address-city-errors"' in html
    assert "<li>1: bad</li>" in html
    assert 'value="b" checked' in html and '<option value="m" selected>' in html
    assert 'name="urgent" value="true" checked' in html
    assert ">a\nb</textarea>" in html


def test_labels_and_choices_are_translated():
    html = str(render_form(EVERYTHING, UI, translate=lambda s: f"[{s}]"))
    assert "[Title]" in html and "[Alpha]" in html and "[Anything else]" in html


def test_shipped_forms_render():
    for name in ("approval", "revision"):
        schema = json.loads((FORMS / f"{name}.schema.json").read_text())
        ui = json.loads((FORMS / f"{name}.uischema.json").read_text())
        html = str(render_form(schema, ui))
        assert 'type="radio"' in html and "<textarea" in html


# -- parsing and validating --------------------------------------------------------------

GOOD = {
    "title": "Alpha",
    "notes": "",
    "count": "3",
    "ratio": "0.5",
    "urgent": "true",
    "kind": "a",
    "size": "",
    "due": "2027-06-30",
    "tags": "one\n two \n\n",
    "address.city": "Shanghai",
    "address.zip": "",
    "csrf_token": "t",
}


def test_a_good_post_becomes_typed_json_that_validates(tmp_path):
    data = parse_form(EVERYTHING, MultiDict(GOOD))
    assert data == {
        "title": "Alpha",
        "count": 3,
        "ratio": 0.5,
        "urgent": True,
        "kind": "a",
        "due": "2027-06-30",
        "tags": ["one", "two"],
        "address": {"city": "Shanghai"},
    }
    assert library(tmp_path, EVERYTHING).validate("f.schema.json", data) == data


def test_an_unticked_checkbox_is_false():
    data = parse_form(EVERYTHING, MultiDict({k: v for k, v in GOOD.items() if k != "urgent"}))
    assert data["urgent"] is False


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # Sentences naming the field by its title, not jsonschema's "'many' is not of type".
        ({"title": ""}, "title", "Title is required."),
        ({"title": "a"}, "title", "Title must be at least 2 characters long."),
        ({"title": "x" * 21}, "title", "Title must be at most 20 characters long."),
        ({"title": "lower"}, "title", "Title is not in the expected format."),
        ({"count": "many"}, "count", "Count must be a whole number."),
        ({"count": "1.5"}, "count", "Count must be a whole number."),
        ({"count": "10"}, "count", "Count must be at most 9."),
        ({"count": "0"}, "count", "Count must be at least 1."),
        ({"ratio": "NaN"}, "ratio", "Ratio must be a number."),
        ({"urgent": "maybe"}, "urgent", "Urgent must be yes or no."),
        ({"kind": "z"}, "kind", "Kind must be one of: Alpha, Beta."),
        ({"size": "xl"}, "size", "Size must be one of: s, m."),
        ({"due": "2027-02-30"}, "due", "Due must be a date (YYYY-MM-DD)."),
        ({"due": "tomorrow"}, "due", "Due must be a date (YYYY-MM-DD)."),
        ({"tags": "a\nb\nc\nd"}, "tags", "Tags takes at most 3 entries."),
        ({"address.city": ""}, "address.city", "City is required."),
    ],
)
def test_bad_values_are_reported_per_field(tmp_path, change, field, message):
    data = parse_form(EVERYTHING, MultiDict({**GOOD, **change}))
    with pytest.raises(ValidationError) as caught:
        library(tmp_path, EVERYTHING).validate("f.schema.json", data)
    assert message in caught.value.details[field], caught.value.details


def test_unknown_posted_fields_are_refused():
    with pytest.raises(UnknownFieldError) as caught:
        parse_form(EVERYTHING, MultiDict({**GOOD, "amount": "1", "address.street": "x"}))
    assert caught.value.names == ["address.street", "amount"]


@pytest.mark.parametrize(
    "data",
    [{"title": "Alpha", "extra": 1}, {"title": "Alpha", "address": {"city": "x", "street": "y"}}],
)
def test_the_validator_refuses_unknown_keys_even_in_an_open_schema(tmp_path, data):
    open_schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "address": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    with pytest.raises(ValidationError) as caught:
        library(tmp_path, open_schema).validate("f.schema.json", data)
    [[message]] = caught.value.details.values()
    assert message.endswith("is not a field of this form.")


@pytest.mark.parametrize(
    ("post", "field"),
    [
        ({"decision": "reject", "comment": "  "}, "comment"),
        ({"decision": "maybe"}, "decision"),
        ({"comment": "x" * 4001, "decision": "approve"}, "comment"),
        ({}, "decision"),
    ],
)
def test_the_default_approval_form_round_trip(post, field):
    forms = FormLibrary(FORMS)
    data = parse_form(forms.schema(None), MultiDict(post))
    with pytest.raises(ValidationError) as caught:
        forms.validate(None, data)
    assert field in caught.value.details


def test_a_good_approval_round_trip():
    forms = FormLibrary(FORMS)
    data = parse_form(forms.schema(None), MultiDict({"decision": "reject", "comment": "Fix §3"}))
    assert forms.validate(None, data) == {"decision": "reject", "comment": "Fix §3"}
