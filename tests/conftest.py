"""Fixtures: an app on a real SQLite file (migrated once, copied per test), clients, API helpers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import ApiClient
from webui import create_app
from webui.extensions import db


def make_app(db_path: Path, instance_dir: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "INSTANCE_DIR": instance_dir,
        "SECRET_KEY": "test-secret",
        # One audit key for the template database and every copy of it.
        "AUDIT_KEY": "dGVzdC1hdWRpdC1rZXktMzItYnl0ZXMtbG9uZy4uLi4=",
        "WTF_CSRF_ENABLED": False,
        "TICKER_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated with Alembic and seeded with the demo data, built once."""
    from contracts.demo.seed import load_demo_data
    from webui.cli import upgrade_database

    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = make_app(path, folder)
    with app.app_context():
        upgrade_database(app)
        load_demo_data(db.session)
        db.session.commit()
        db.engine.dispose()
    return path


@pytest.fixture
def app(template_db: Path, tmp_path: Path) -> Iterator[Flask]:
    path = tmp_path / "contractflow.db"
    shutil.copy(template_db, path)
    app = make_app(path, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api(app: Flask):
    """`api("alice")` returns a JSON client signed in as alice with a bearer token."""
    cache: dict[str, ApiClient] = {}

    def as_user(username: str) -> ApiClient:
        if username not in cache:
            cache[username] = ApiClient.sign_in(app.test_client(), username)
        return cache[username]

    return as_user


@pytest.fixture
def signed_in(app: Flask):
    """`signed_in("alice")`: like `api`, but a browser session (pages take no bearer token)."""
    cache: dict[str, ApiClient] = {}

    def as_user(username: str) -> ApiClient:
        if username not in cache:
            cache[username] = ApiClient.browser(app.test_client(), username)
        return cache[username]

    return as_user


@pytest.fixture
def session(app: Flask):
    with app.app_context():
        yield db.session
