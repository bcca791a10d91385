"""On PostgreSQL, which refuses NUL in text and NaN in JSON, hostile input is a 422, not a 500."""

from __future__ import annotations

import json

import pytest

from tests.factories import contract_payload

pytestmark = pytest.mark.integration


def raw_json(client, path: str, body: str):
    return client.client.post(
        path,
        data=body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (json.dumps(contract_payload(title="a\x00b")), "title"),
        (json.dumps(contract_payload(title="\ud800")), "title"),
        (json.dumps(contract_payload(description="x\x00")), "description"),
        (json.dumps(contract_payload(tags=["a\x00"])), "tags.0"),
        ('{"title": ' + "[" * 50_000 + "]" * 50_000 + "}", "body"),
        (
            json.dumps(contract_payload(custom_fields={})).replace("{}", '{"x": NaN}'),
            "custom_fields.x",
        ),
    ],
)
def test_hostile_json_is_422_on_postgresql(api, body, field):
    response = raw_json(api("alice"), "/api/v1/contracts", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["details"]


def test_a_nul_in_a_search_is_422_on_postgresql(api):
    response = api("alice").get("/api/v1/contracts?q=%00")
    assert response.status_code == 422
