"""Login throttling: a per-account and per-address count of failures kept in the database.

Guesses are counted before the password hash is checked, so parallel guesses cannot
outrun the count; the count survives a second worker (another app on the same
database) and a restart; a lock answers 429 with Retry-After and is audited.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from contracts.audit.models import AuditEntry
from contracts.identity import accounts
from engine import clock
from tests.conftest import make_app
from tests.factories import DEMO_PASSWORD, race
from webui.extensions import db

TOKEN = "/api/v1/auth/token"


def token_login(app: Flask, username: str, password: str, ip: str = "10.0.0.1") -> TestResponse:
    return app.test_client().post(
        TOKEN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def page_login(
    app: Flask, username: str, password: str, ip: str = "10.0.0.1", language: str = "en"
) -> TestResponse:
    return app.test_client().post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers={"Accept-Language": language},
    )


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


def audit_actions(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_thirty_parallel_guesses_evaluate_at_most_five_passwords(app, verified):
    responses = race([lambda i=i: token_login(app, "dave", f"guess{i}") for i in range(30)])

    statuses = sorted(r.status_code for r in responses)
    assert len(verified) <= 5
    assert statuses.count(429) >= 25 and set(statuses) <= {401, 429}, statuses
    # Locked now: the right password is refused too, without being checked.
    assert token_login(app, "dave", DEMO_PASSWORD).status_code == 429
    assert len(verified) <= 5


def test_parallel_guesses_on_the_login_page_are_counted_too(app, verified):
    responses = race([lambda i=i: page_login(app, "dave", f"guess{i}") for i in range(12)])

    assert len(verified) <= 5
    assert sorted(r.status_code for r in responses).count(429) >= 7


def test_the_api_lock_is_a_429_with_retry_after(app):
    for _ in range(5):
        assert token_login(app, "dave", "guess").status_code == 401
    blocked = token_login(app, "dave", DEMO_PASSWORD)

    assert blocked.status_code == 429
    error = blocked.get_json()["error"]
    assert error["code"] == "too_many_attempts"
    wait = error["details"]["retry_after_seconds"]
    assert 250 <= wait <= 300
    assert blocked.headers["Retry-After"] == str(wait)


def test_the_login_page_lock_is_a_429_in_the_users_language(app):
    for _ in range(5):
        assert page_login(app, "dave", "guess").status_code == 401
    english = page_login(app, "dave", DEMO_PASSWORD)
    chinese = page_login(app, "dave", DEMO_PASSWORD, language="zh-CN,zh;q=0.9")

    assert english.status_code == 429 and chinese.status_code == 429
    assert 250 <= int(english.headers["Retry-After"]) <= 300
    assert "Too many failed sign-ins" in english.get_data(as_text=True)
    assert "登录失败次数过多" in chinese.get_data(as_text=True)
    assert english.mimetype == "text/html"


def test_a_lock_expires_after_the_window(app):
    for _ in range(5):
        token_login(app, "dave", "guess")
    assert token_login(app, "dave", DEMO_PASSWORD).status_code == 429
    with time_machine.travel(clock.now() + timedelta(seconds=301), tick=False):
        assert token_login(app, "dave", DEMO_PASSWORD).status_code == 200


def test_a_successful_login_resets_the_account_count(app):
    for _ in range(2):
        for _ in range(4):
            assert token_login(app, "dave", "guess").status_code == 401
        assert token_login(app, "dave", DEMO_PASSWORD).status_code == 200
    assert token_login(app, "dave", "guess").status_code == 401


def test_the_account_lock_holds_from_every_address_and_any_case(app):
    for i in range(5):
        token_login(app, "dave", "guess", ip=f"10.0.1.{i}")
    assert token_login(app, "dave", DEMO_PASSWORD, ip="10.0.2.1").status_code == 429
    assert token_login(app, "DAVE", "guess", ip="10.0.2.2").status_code == 429
    # Another account is not affected.
    assert token_login(app, "erin", DEMO_PASSWORD, ip="10.0.2.3").status_code == 200


def test_spraying_one_password_over_many_users_is_limited_per_address(app, verified):
    names = ["alice", "bob", "carol", "dave", "erin"] + [f"user{i:02d}" for i in range(15)]
    for name in names:
        assert token_login(app, name, "Spring2026!", ip="10.9.9.9").status_code == 401
    # The 21st failure from that address is refused before any check, for any name.
    checked = len(verified)
    assert token_login(app, "frank", "Spring2026!", ip="10.9.9.9").status_code == 429
    assert token_login(app, "alice", DEMO_PASSWORD, ip="10.9.9.9").status_code == 429
    assert len(verified) == checked
    # Those accounts stay usable from elsewhere.
    assert token_login(app, "alice", DEMO_PASSWORD, ip="10.9.9.10").status_code == 200


def test_successful_logins_do_not_fill_the_address_count(app):
    for _ in range(25):
        assert token_login(app, "alice", DEMO_PASSWORD, ip="10.7.7.7").status_code == 200


def test_the_lock_is_audited_once(app):
    for _ in range(5):
        token_login(app, "dave", "guess", ip="10.3.3.3")
    for _ in range(3):
        token_login(app, "dave", "guess", ip="10.3.3.3")

    locked = audit_actions(app, "login.locked")
    assert len(locked) == 1
    assert (locked[0].actor, locked[0].ip) == ("dave", "10.3.3.3")
    assert locked[0].details["scope"] == "account"
    assert locked[0].details["retry_after_seconds"] > 0


def test_the_address_lock_is_audited(app):
    for i in range(20):
        token_login(app, f"nobody{i}", "guess", ip="10.4.4.4")
    locked = audit_actions(app, "login.locked")
    assert [(e.details["scope"], e.ip) for e in locked] == [("ip", "10.4.4.4")]


@pytest.fixture
def second_worker(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """Another app on the same database file: a second gunicorn worker, or a restart."""
    other = make_app(tmp_path / "contractflow.db", tmp_path)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_count_is_shared_by_workers_and_survives_a_restart(app, second_worker):
    for _ in range(3):
        assert token_login(app, "dave", "guess").status_code == 401
    for _ in range(2):
        assert token_login(second_worker, "dave", "guess").status_code == 401
    assert token_login(app, "dave", DEMO_PASSWORD).status_code == 429
    assert token_login(second_worker, "dave", DEMO_PASSWORD).status_code == 429


def test_limits_come_from_the_configuration(template_db, tmp_path):
    path = tmp_path / "contractflow.db"
    path.write_bytes(template_db.read_bytes())
    app = make_app(
        path,
        tmp_path,
        LOGIN_MAX_FAILURES=2,
        LOGIN_FAILURE_WINDOW_SECONDS=60,
        LOGIN_IP_MAX_FAILURES=3,
    )
    try:
        for _ in range(2):
            assert token_login(app, "dave", "guess").status_code == 401
        blocked = token_login(app, "dave", DEMO_PASSWORD)
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) <= 60
        assert token_login(app, "erin", "guess").status_code == 401
        assert token_login(app, "frank", DEMO_PASSWORD).status_code == 429
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_address_limit_can_be_turned_off(template_db, tmp_path):
    path = tmp_path / "contractflow.db"
    path.write_bytes(template_db.read_bytes())
    app = make_app(path, tmp_path, LOGIN_IP_MAX_FAILURES=0)
    try:
        for i in range(25):
            assert token_login(app, f"nobody{i}", "guess").status_code == 401
        assert token_login(app, "alice", DEMO_PASSWORD).status_code == 200
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
