"""Shapes validate input into today's error format, and the document is built from them."""

from __future__ import annotations

import pytest

from webui.account.shapes import TOKEN_REQUEST_MESSAGES, TokenRequest
from webui.api import spec


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, {"username": ["is required"], "password": ["is required"]}),
        (
            {"username": "", "password": 7},
            {"username": ["is required"], "password": ["is required"]},
        ),
        ({"username": "alice"}, {"password": ["is required"]}),
    ],
)
def test_a_bad_body_is_a_422_in_todays_format(app, body, details) -> None:
    with app.test_request_context(json=body):
        with pytest.raises(spec.ValidationError) as raised:
            spec.read_body(TokenRequest, TOKEN_REQUEST_MESSAGES)
    assert raised.value.details == details


def test_a_good_body_becomes_the_shape(app) -> None:
    with app.test_request_context(json={"username": "alice", "password": "pw", "x": 1}):
        parsed = spec.read_body(TokenRequest, TOKEN_REQUEST_MESSAGES)
    assert (parsed.username, parsed.password) == ("alice", "pw")


def test_an_unmapped_error_keeps_pydantics_message(app) -> None:
    with app.test_request_context(json={"username": "a", "password": ""}):
        with pytest.raises(spec.ValidationError) as raised:
            spec.read_body(TokenRequest, {})
    assert list(raised.value.details) == ["password"]


def test_every_named_shape_is_a_component(app, client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    operations = spec.declared_operations(app)
    named = {s.__name__ for op in operations for s in (op.body, *op.responses.values()) if s}
    components = document["components"]["schemas"]
    assert len(operations) == sum(len(item) for item in document["paths"].values())
    assert named | {"Error"} <= set(components)
    # Omittable fields are never null and carry no contradicting `default: null`.
    assert "default" not in components["Task"]["properties"]["contract"]
    assert components["Contract"]["properties"]["status"] == {
        "$ref": "#/components/schemas/ContractStatus"
    }


def test_component_names_are_the_shapes_class_names(client) -> None:
    # pydantic qualifies a name with its module when two shapes share it; keep names unique.
    components = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert [name for name in components if not name.isalnum()] == []
