"""Hostile input is refused with 422/413 naming what was wrong, never a 500 (issue 12 #7)."""

from __future__ import annotations

import json

import pytest

from tests.factories import contract_payload
from tests.webui.test_pages import Browser, contract_form

INVISIBLE = "\u202e\u200b\ufeff"


def raw_json(api_client, method: str, path: str, body: str):
    """Send a body exactly as written (the test client would re-escape lone surrogates)."""
    return api_client.client.open(
        path,
        method=method,
        data=body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_client.token}"},
    )


def payload_text(**overrides: object) -> str:
    return json.dumps(contract_payload(**overrides))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload_text(title="\ud800"), "title"),  # json.dumps writes the escape \ud800
        (payload_text(title="a\x00b"), "title"),
        (payload_text(counterparty="ACME\x00"), "counterparty"),
        (payload_text(title=INVISIBLE), "title"),
        (payload_text(title=" \u200b\u00a0\u2060 "), "title"),
        (payload_text(counterparty=INVISIBLE), "counterparty"),
        (payload_text(tags=["ok", "bad\udfff"]), "tags.1"),
        (payload_text(custom_fields={"anything": "goes"}), "custom_fields.anything"),
        (payload_text(description="x\x00"), "description"),
    ],
)
def test_hostile_json_is_422_naming_the_field(api, body, field):
    response = raw_json(api("alice"), "POST", "/api/v1/contracts", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["details"]


def test_a_nul_in_a_json_key_is_422(api):
    response = raw_json(api("alice"), "POST", "/api/v1/contracts", '{"ti\\u0000tle": "x"}')
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert list(details) == ["ti\\x00tle"]  # echoed escaped
    assert "NUL" in details["ti\\x00tle"][0]


@pytest.mark.parametrize("depth", [33, 1000, 50_000])
def test_deeply_nested_json_is_refused_before_parsing(api, depth):
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = raw_json(api("alice"), "POST", "/api/v1/contracts", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "body" in response.get_json()["error"]["details"]


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    created = raw_json(
        api("alice"),
        "POST",
        "/api/v1/contracts",
        payload_text(description="[" * 100 + '\\"{' * 100),
    )
    assert created.status_code == 201, created.get_json()


def test_nesting_up_to_the_limit_is_parsed(api):
    nested = "[" * 31 + "]" * 31  # the object itself is level 1
    response = raw_json(api("alice"), "POST", "/api/v1/contracts", '{"tags": ' + nested + "}")
    assert response.status_code == 422
    assert "tags" in response.get_json()["error"]["details"]


def test_a_json_body_over_the_limit_is_413_before_parsing(app, api):
    app.config["MAX_JSON_BYTES"] = 10_000
    body = payload_text(description="x" * 20_000)
    response = raw_json(api("alice"), "POST", "/api/v1/contracts", body)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_a_nul_in_a_query_parameter_is_422_naming_it(api):
    response = api("alice").get("/api/v1/contracts?q=a%00b")
    assert response.status_code == 422
    assert "q" in response.get_json()["error"]["details"]


def test_lone_surrogate_on_patch_is_422(api):
    alice = api("alice")
    contract = alice.create_contract()
    response = raw_json(
        alice, "PATCH", f"/api/v1/contracts/{contract['id']}", '{"title": "x\\udc00"}'
    )
    assert response.status_code == 422
    assert "title" in response.get_json()["error"]["details"]


def test_custom_fields_outside_the_types_schema_are_422(api):
    admin = api("admin")
    schema = {"type": "object", "properties": {"po": {"type": "string"}}}
    created = admin.post(
        "/api/v1/contract-types",
        json={"code": "lease", "name": "Lease", "custom_fields_schema": schema},
    )
    assert created.status_code == 201, created.get_json()
    alice = api("alice")
    ok = alice.post(
        "/api/v1/contracts",
        json=contract_payload(contract_type="lease", custom_fields={"po": "PO-1"}),
    )
    assert ok.status_code == 201, ok.get_json()
    extra = alice.post(
        "/api/v1/contracts",
        json=contract_payload(contract_type="lease", custom_fields={"po": "PO-1", "evil": 1}),
    )
    assert extra.status_code == 422
    assert list(extra.get_json()["error"]["details"]) == ["custom_fields.evil"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_json_numbers_are_422(api, number):
    body = payload_text(custom_fields={}).replace('"custom_fields": {}', f'"amount": {number}')
    response = raw_json(api("alice"), "POST", "/api/v1/contracts", body)
    assert response.status_code == 422
    assert "amount" in response.get_json()["error"]["details"]


def test_an_absurd_number_in_a_custom_form_field_is_422(api, alice_browser):
    schema = {"type": "object", "properties": {"area": {"type": "number"}}}
    created = api("admin").post(
        "/api/v1/contract-types",
        json={"code": "lease", "name": "Lease", "custom_fields_schema": schema},
    )
    assert created.status_code == 201
    response = alice_browser.post(
        "/contracts/new", {**contract_form(contract_type="lease"), "cf.area": "9" * 5000}
    )
    assert response.status_code == 422
    # Said by the field, in words (issue 14, item 8), not as the path "custom_fields.area".
    assert "Area must be a number." in response.get_data(as_text=True)


def test_empty_custom_fields_on_a_type_without_schema_are_fine(api):
    response = api("alice").post("/api/v1/contracts", json=contract_payload(custom_fields={}))
    assert response.status_code == 201, response.get_json()


# --- the HTML form --------------------------------------------------------------


@pytest.fixture
def alice_browser(app) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login("alice").status_code == 302
    return browser


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"notice_days": "9" * 5000}, "notice_days"),
        ({"notice_days": "-" + "9" * 5000}, "notice_days"),
        ({"notice_days": "99999999999999999999"}, "notice_days"),
        ({"title": "a\x00b"}, "title"),
        ({"title": INVISIBLE}, "title"),
        ({"counterparty": "\x00"}, "counterparty"),
    ],
)
def test_hostile_form_input_is_422_naming_the_field(alice_browser, overrides, field):
    response = alice_browser.post("/contracts/new", contract_form(**overrides))
    assert response.status_code == 422, response.status_code
    assert field in response.get_data(as_text=True)


def test_errors_speak_the_users_language(alice_browser):
    response = alice_browser.post(
        "/contracts/new",
        contract_form(title="a\x00b"),
        headers={"Accept-Language": "zh"},
    )
    assert response.status_code == 422
    assert "不能包含 NUL 字符或不成对的代理字符" in response.get_data(as_text=True)


# --- template bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("{{ x|attr('__class__') }}", "attr"),
        ("{% if true %}{{ 'a'|attr('upper') }}{% endif %}", "attr"),
        ("{% filter attr('x') %}a{% endfilter %}", "attr"),
        ("{% if 1 is nonsense %}a{% endif %}", "nonsense"),
    ],
)
def test_an_unknown_template_filter_is_422_naming_it(api, body, name):
    response = api("admin").post(
        "/api/v1/templates",
        json={
            "code": "filtered",
            "name": "Filtered",
            "contract_type": "nda",
            "language": "en",
            "fields_schema": {"type": "object", "properties": {"x": {"type": "string"}}},
            "body": body,
        },
    )
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "template_body_invalid"
    assert f"'{name}'" in error["message"]


# --- other required names --------------------------------------------------------


def test_a_contract_type_name_must_be_visible(api):
    response = api("admin").post(
        "/api/v1/contract-types", json={"code": "lease", "name": INVISIBLE}
    )
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["details"]


def test_a_template_name_must_be_visible(api):
    response = api("admin").post(
        "/api/v1/templates",
        json={
            "code": "ghost",
            "name": "\u200b\u2060",
            "contract_type": "nda",
            "language": "en",
            "fields_schema": {"type": "object", "properties": {}},
            "body": "text",
        },
    )
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["details"]
