"""Schemathesis over the OpenAPI document: no 5xx, no response that breaks its own schema.

Runs against the WSGI app (no server) on its own copy of the demo database,
with the admin's bearer token, every declared operation, generated inputs.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from contracts.identity import accounts
from tests.conftest import make_app
from webui.extensions import db

EXAMPLES = 10


@pytest.fixture(scope="module")
def fuzzed_app(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("schemathesis")
    path = folder / "contractflow.db"
    shutil.copy(template_db, path)
    app = make_app(path, folder, API_RATE_LIMIT=1_000_000)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def bearer(fuzzed_app: Flask) -> dict[str, str]:
    with fuzzed_app.app_context():
        user = accounts.find_user(db.session, "admin")
        assert user is not None
        token, _ = accounts.issue_token(db.session, user, name="schemathesis")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _exercise(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    run()


def test_api_conforms_to_its_openapi_document(fuzzed_app: Flask, bearer: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)
    failures: dict[str, str] = {}
    exercised = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        exercised += 1
        try:
            _exercise(operation, bearer)
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:1500]
    assert exercised > 20
    assert failures == {}, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
