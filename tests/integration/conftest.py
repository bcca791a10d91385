"""Integration fixtures: a fresh PostgreSQL database per session, apps on it, a clean slate.

The database named by TEST_DATABASE_URL is dropped and created once per session,
migrated with Alembic (`upgrade_database`, which also proves the migration runs on
PostgreSQL) and seeded with the demo data. Before every test each table that was
still empty after seeding (contracts, instances, tasks, history, audit, tokens,
notifications, ...) is truncated, so tests never see each other's rows while the
demo users, groups, reference data and deployed processes stay.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from flask import Flask
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from tests.factories import ApiClient
from webui import create_app
from webui.extensions import db

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/contractflow_test"
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"


# Never truncated: Alembic's bookkeeping, and the bearer tokens the `api` fixture
# reuses across tests (signing in costs an argon2 verification, ~0.25 s each).
KEPT_TABLES = {"alembic_version", "api_token"}


def database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE_URL)


def broker_url() -> str:
    return os.environ.get("TEST_BROKER_URL", DEFAULT_BROKER_URL)


def libpq_kwargs(url: URL, dbname: str) -> dict[str, Any]:
    """psycopg connection arguments for a SQLAlchemy URL, aimed at another database."""
    kwargs: dict[str, Any] = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "dbname": dbname,
    }
    if url.username:
        kwargs["user"] = url.username
    if url.password:
        kwargs["password"] = url.password
    return kwargs


def app_config(url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "TICKER_ENABLED": False,
        "SECRET_KEY": "x",
    }
    config.update(overrides)
    return config


def dispose(app: Flask) -> None:
    """Close the app's session and every pooled connection (no ResourceWarning, no stray locks)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _recreate_database(url: URL) -> None:
    name = url.database or ""
    # This fixture drops the database: refuse anything that does not look like a test database.
    if "test" not in name:
        raise pytest.UsageError(f"TEST_DATABASE_URL must name a test database, not {name!r}")
    try:
        admin = psycopg.connect(**libpq_kwargs(url, "postgres"), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {url.host}:{url.port} does not answer: {exc}", pytrace=False)
    with admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # Durability is not under test; visibility and locking are unchanged without it.
        admin.execute(
            sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(sql.Identifier(name))
        )


def _drop_database(url: URL) -> None:
    with psycopg.connect(**libpq_kwargs(url, "postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(url.database))
        )


def _empty_tables(url: URL) -> list[str]:
    with psycopg.connect(**libpq_kwargs(url, url.database or "")) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return [
            name
            for name in names
            if name not in KEPT_TABLES
            and conn.execute(
                sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name))
            ).fetchone()[0]  # type: ignore[index]
        ]


class IntegrationDatabase:
    """The session's database: its URL and the tables tests write to."""

    def __init__(self, url: str, volatile_tables: list[str]) -> None:
        self.url = url
        self.volatile_tables = volatile_tables

    def truncate(self) -> None:
        parsed = make_url(self.url)
        with psycopg.connect(**libpq_kwargs(parsed, parsed.database or "")) as conn:
            # A leaked transaction elsewhere must fail the test loudly, not hang it.
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(
                sql.SQL("TRUNCATE {}").format(
                    sql.SQL(", ").join(sql.Identifier(t) for t in self.volatile_tables)
                )
            )


@pytest.fixture(scope="session")
def integration_database() -> Iterator[IntegrationDatabase]:
    """Drop/create the test database, migrate it with Alembic and load the demo data."""
    from contracts.demo.seed import load_demo_data
    from webui.cli import upgrade_database

    url = database_url()
    parsed = make_url(url)
    _recreate_database(parsed)
    app = create_app(app_config(url))
    try:
        with app.app_context():
            upgrade_database(app)
            load_demo_data(db.session)
            db.session.commit()
    finally:
        dispose(app)
    volatile = _empty_tables(parsed)
    assert "contract" in volatile and "process_instance" in volatile, volatile
    assert "user_account" not in volatile and "process_definition" not in volatile, volatile
    yield IntegrationDatabase(url, volatile)
    if os.environ.get("TEST_KEEP_DATABASE") != "1":
        _drop_database(parsed)


@pytest.fixture(scope="session")
def pg_url(integration_database: IntegrationDatabase) -> str:
    return integration_database.url


@pytest.fixture
def clean_database(integration_database: IntegrationDatabase) -> IntegrationDatabase:
    integration_database.truncate()
    return integration_database


@pytest.fixture
def make_app(clean_database: IntegrationDatabase) -> Iterator[Callable[..., Flask]]:
    """`make_app(APPROVAL_SLA_PERIOD="PT1S")`: an app on the test database, disposed afterwards."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(app_config(clean_database.url, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        dispose(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app on PostgreSQL (replaces the SQLite `app` of tests/conftest.py here)."""
    return make_app()


@pytest.fixture(scope="session")
def demo_tokens() -> dict[str, str]:
    """Bearer tokens of the demo users, issued once per session (see KEPT_TABLES)."""
    return {}


@pytest.fixture
def api_for(demo_tokens: dict[str, str]) -> Callable[[Flask], Callable[[str], ApiClient]]:
    """`api_for(app)("alice")`: a JSON client of that app signed in as alice with a bearer token."""

    def for_app(app: Flask) -> Callable[[str], ApiClient]:
        cache: dict[str, ApiClient] = {}

        def as_user(username: str) -> ApiClient:
            if username not in cache:
                if username in demo_tokens:
                    cache[username] = ApiClient(app.test_client(), username, demo_tokens[username])
                else:
                    cache[username] = ApiClient.sign_in(app.test_client(), username)
                    demo_tokens[username] = cache[username].token
            return cache[username]

        return as_user

    return for_app


@pytest.fixture
def api(
    app: Flask, api_for: Callable[[Flask], Callable[[str], ApiClient]]
) -> Callable[[str], ApiClient]:
    """`api("alice")`: a JSON client of the test's app, signed in as alice."""
    return api_for(app)
