"""The login throttle on PostgreSQL: parallel guesses via two workers check at most the limit."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.identity import accounts
from tests.factories import DEMO_PASSWORD, race
from webui.extensions import db

pytestmark = pytest.mark.integration

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The password hashes actually checked, one entry per argon2 verification."""
    calls: list[str] = []
    lock = threading.Lock()
    real = accounts.verify_password

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            calls.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting)
    return calls


def login(app, username, password, ip="10.0.0.1"):
    return app.test_client().post(
        TOKEN, json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_thirty_parallel_guesses_on_two_workers_check_at_most_five(make_app, verified):
    workers = [make_app(), make_app()]
    responses = race(
        [
            lambda i=i: login(workers[i % 2], "dave", f"guess{i}", ip=f"10.0.0.{i}")
            for i in range(30)
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert len(verified) <= 5, statuses
    assert set(statuses) <= {401, 429} and statuses.count(429) >= 25, statuses
    blocked = login(workers[0], "dave", DEMO_PASSWORD)
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "too_many_attempts"
    assert (
        int(blocked.headers["Retry-After"])
        == blocked.get_json()["error"]["details"]["retry_after_seconds"]
    )
    with workers[0].app_context():
        locked = list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.locked"))
        )
    assert [e.details["scope"] for e in locked] == ["account"]


def test_parallel_spraying_from_one_address_is_capped(make_app, verified):
    workers = [make_app(), make_app()]
    # Ten names, three guesses each: no account reaches its own limit (5) whatever order
    # the race takes, so only the per-address limit (20) can refuse.
    names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "ivan", "judy", "admin"]
    responses = race(
        [
            lambda i=i: login(workers[i % 2], names[i % 10], "Spring2026!", ip="10.8.8.8")
            for i in range(30)
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(401) <= 20 and len(verified) <= 20, statuses
    assert statuses.count(429) >= 10, statuses
    assert login(workers[1], "alice", DEMO_PASSWORD, ip="10.8.8.8").status_code == 429
    assert login(workers[1], "alice", DEMO_PASSWORD, ip="10.8.8.9").status_code == 200


def test_a_successful_login_resets_the_count(app):
    for _ in range(4):
        assert login(app, "dave", "guess").status_code == 401
    assert login(app, "dave", DEMO_PASSWORD).status_code == 200
    for _ in range(4):
        assert login(app, "dave", "guess").status_code == 401
    assert login(app, "dave", DEMO_PASSWORD).status_code == 200
