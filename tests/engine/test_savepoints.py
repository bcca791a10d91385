"""SQLite transactions are real: begin_nested is a SAVEPOINT inside the outer transaction.

The sqlite3 driver's legacy mode issued no BEGIN before a SAVEPOINT, so releasing
the "nested" transaction committed it; these tests fail on that mode.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from engine.errors import ConcurrentUpdateError
from engine.models import ProcessDefinition


def _definition(key: str) -> ProcessDefinition:
    return ProcessDefinition(key=key, version=1, checksum=key, files={}, deployed_by="test")


def _count(engine: Engine) -> int:
    with Session(engine) as other:
        return other.scalar(select(func.count(ProcessDefinition.id))) or 0


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement.split()[0].upper())

    return seen


def test_releasing_a_savepoint_does_not_commit_the_outer_transaction(engine):
    with Session(engine) as session:
        with session.begin_nested():
            session.add(_definition("inner"))
        assert _count(engine) == 0  # released, but the outer transaction is still open
        session.rollback()
    assert _count(engine) == 0


def test_rolling_back_a_savepoint_keeps_the_outer_transaction(engine, statements):
    with Session(engine) as session:
        session.add(_definition("outer"))
        session.flush()
        savepoint = session.begin_nested()
        session.add(_definition("inner"))
        session.flush()
        savepoint.rollback()
        session.commit()
    assert "SAVEPOINT" in statements and "BEGIN" in statements
    assert statements.index("BEGIN") < statements.index("SAVEPOINT")
    with Session(engine) as session:
        assert session.scalars(select(ProcessDefinition.key)).all() == ["outer"]


def test_reads_are_repeatable_inside_a_transaction(engine):
    with Session(engine) as session, Session(engine) as other:
        assert session.scalar(select(func.count(ProcessDefinition.id))) == 0
        other.add(_definition("meanwhile"))
        other.commit()
        assert session.scalar(select(func.count(ProcessDefinition.id))) == 0  # one snapshot
        session.rollback()
        assert session.scalar(select(func.count(ProcessDefinition.id))) == 1


def test_autocommit_connections_still_autocommit_and_do_not_leak_legacy_mode(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            ProcessDefinition.__table__.insert().values(
                key="auto", version=1, name="auto", checksum="auto", files={}, note=""
            )
        )
    assert _count(engine) == 1
    with engine.connect() as conn:  # the same pooled DBAPI connection, back to the default
        dbapi = conn.connection.dbapi_connection
        assert isinstance(dbapi, sqlite3.Connection)
        with conn.begin():
            conn.exec_driver_sql("SAVEPOINT sp")
            assert dbapi.in_transaction
            conn.exec_driver_sql("RELEASE SAVEPOINT sp")
            assert dbapi.in_transaction  # the outer BEGIN still holds


def test_a_write_on_a_stale_snapshot_is_a_concurrent_update_not_a_lock_error(engine):
    with Session(engine) as session:
        session.add(_definition("shared"))
        session.commit()
    with Session(engine) as reader, Session(engine) as writer:
        mine = reader.scalars(select(ProcessDefinition)).one()  # the snapshot starts here
        writer.scalars(select(ProcessDefinition)).one().note = "first"
        writer.commit()
        mine.note = "second"
        started = time.perf_counter()
        with pytest.raises(ConcurrentUpdateError):
            reader.flush()
        assert time.perf_counter() - started < 5  # refused at once, no lock wait
        reader.rollback()
        reader.scalars(select(ProcessDefinition)).one().note = "second, on a fresh read"
        reader.commit()
