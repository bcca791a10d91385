"""Imports on PostgreSQL: one row is one transaction with its contract; crashes and a
second worker on the same batch never import a row twice."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select

from contracts import imports
from contracts.core.models import Contract
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.imports.models import ImportBatch
from tests.contracts.test_imports_security import _crash_on_call, _row, _sheet
from webui.extensions import db
from webui.imports.tasks import import_contracts

pytestmark = pytest.mark.integration


def _queued_batch(app, titles: list[str]) -> int:
    with app.app_context():
        admin = Actor(user=db.session.scalars(select(User).where(User.username == "admin")).one())
        sheet = io.BytesIO(_sheet([_row(t) for t in titles]))
        batch = imports.preview_import(db.session, sheet, "pg.xlsx", admin)
        imports.start_import(db.session, batch.id, admin)
        db.session.commit()
        return batch.id


def _titles(app, prefix: str) -> list[str]:
    with app.app_context():
        titles = db.session.scalars(select(Contract.title).where(Contract.title.like(f"{prefix}%")))
        return sorted(titles.all())


def _status(app, batch_id: int) -> tuple[str, list[str]]:
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        return batch.status, [row.status for row in batch.rows]


def test_a_crash_in_row_k_keeps_rows_before_it_once_and_resume_finishes(app, monkeypatch):
    titles = [f"PG row {i}" for i in range(1, 6)]
    batch_id = _queued_batch(app, titles)
    _crash_on_call(monkeypatch, 3)
    with app.app_context(), pytest.raises(RuntimeError, match="worker killed"):
        import_contracts(batch_id)
    monkeypatch.undo()
    assert _status(app, batch_id) == ("interrupted", ["imported"] * 2 + ["ready"] * 3)
    assert _titles(app, "PG row") == titles[:2]
    with app.app_context():
        admin = Actor(user=db.session.scalars(select(User).where(User.username == "admin")).one())
        imports.resume_import(db.session, batch_id, admin)
        db.session.commit()
        import_contracts(batch_id)
    assert _status(app, batch_id) == ("done", ["imported"] * 5)
    assert _titles(app, "PG row") == titles


def test_two_workers_on_one_batch_import_each_row_once(app):
    titles = [f"PG twice {i}" for i in range(1, 9)]
    batch_id = _queued_batch(app, titles)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait()
                import_contracts(batch_id)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert _titles(app, "PG twice") == titles
    status, rows = _status(app, batch_id)
    assert status == "done" and rows == ["imported"] * 8
