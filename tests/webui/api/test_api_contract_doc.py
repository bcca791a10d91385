"""docs/api-contract.md promises endpoints and fields; the OpenAPI document must offer them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "api-contract.md"


def _promised_operations() -> list[tuple[str, str]]:
    rows = re.findall(
        r"^\| `(GET|POST|PATCH|PUT|DELETE) (/api/v1/[^`]*)` \|", DOC.read_text(), re.M
    )
    return [(method.lower(), path) for method, path in rows]


def _promised_fields() -> dict[str, list[str]]:
    text = DOC.read_text()
    shapes: dict[str, list[str]] = {}
    for name, body in re.findall(r"^Fields of (\w+): (.*?)\.\n\n", text, re.M | re.S):
        shapes[name] = re.findall(r"`(\w+)`", body)
    return shapes


def test_the_page_lists_the_core_operations_and_shapes() -> None:
    assert len(_promised_operations()) == 11
    assert set(_promised_fields()) == {"Contract", "Task", "TimelineEvent"}
    assert "process_instance_id" in _promised_fields()["Contract"]


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize(("method", "path"), _promised_operations())
def test_every_promised_operation_is_in_the_openapi_document(spec, method, path) -> None:
    # Path parameters may be named anything: /contracts/{id} is /contracts/{contract_id}.
    offered = {re.sub(r"\{\w+\}", "{}", p): item for p, item in spec["paths"].items()}
    assert method in offered.get(re.sub(r"\{\w+\}", "{}", path), {}), f"{method} {path}"


@pytest.mark.parametrize("shape", sorted(_promised_fields()))
def test_every_promised_field_is_in_its_schema(spec, shape) -> None:
    properties = spec["components"]["schemas"][shape]["properties"]
    missing = [name for name in _promised_fields()[shape] if name not in properties]
    assert not missing, f"{shape} lacks {missing}"


def test_the_contract_list_takes_every_promised_filter(spec) -> None:
    names = {p["name"] for p in spec["paths"]["/api/v1/contracts"]["get"]["parameters"]}
    promised = {
        "q", "status", "contract_type", "department", "tag", "amount_min", "amount_max",
        "expires_before", "expires_after", "page", "per_page",
    }  # fmt: skip
    assert promised <= names
