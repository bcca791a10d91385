"""SQLite savepoints are real: begin_nested is a SAVEPOINT inside the outer transaction.

The sqlite3 driver's legacy mode issues no BEGIN before a SAVEPOINT, so releasing a
"nested" transaction opened before the first write committed it; engine.db opens the
transaction first. Everything else keeps the driver's mode: a transaction starts at
its first write and waits for the write lock, so concurrent writers queue.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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


def test_rolling_back_a_savepoint_keeps_the_outer_transaction(engine):
    with Session(engine) as session:
        session.add(_definition("outer"))
        session.flush()
        savepoint = session.begin_nested()
        session.add(_definition("inner"))
        session.flush()
        savepoint.rollback()
        session.commit()
    with Session(engine) as session:
        assert session.scalars(select(ProcessDefinition.key)).all() == ["outer"]


def test_a_savepoint_before_any_write_nests_in_a_transaction(engine, statements):
    with Session(engine) as session:
        session.scalar(select(func.count(ProcessDefinition.id)))  # a read: no BEGIN yet
        with session.begin_nested():
            session.add(_definition("inner"))
        dbapi = session.connection().connection.dbapi_connection
        assert isinstance(dbapi, sqlite3.Connection) and dbapi.in_transaction
        session.rollback()
    assert "SAVEPOINT" in statements
    assert _count(engine) == 0


def test_an_outer_rollback_undoes_a_released_savepoint(engine):
    with Session(engine) as session:
        with session.begin_nested():
            session.add(_definition("first"))
        with session.begin_nested():
            session.add(_definition("second"))
        session.rollback()
    assert _count(engine) == 0


def test_autocommit_connections_still_autocommit(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            ProcessDefinition.__table__.insert().values(
                key="auto", version=1, name="auto", checksum="auto", files={}, note=""
            )
        )
    assert _count(engine) == 1
    with engine.connect() as conn:  # the same pooled DBAPI connection, back to the default
        with conn.begin():
            nested = conn.begin_nested()
            conn.execute(
                ProcessDefinition.__table__.insert().values(
                    key="later", version=1, name="later", checksum="later", files={}, note=""
                )
            )
            nested.commit()
            assert conn.connection.dbapi_connection.in_transaction  # the outer one holds
    assert _count(engine) == 2


def test_a_write_after_another_commit_waits_its_turn_instead_of_failing(engine):
    """Read, someone else commits, then write: no stale-snapshot error, the write lands."""
    with Session(engine) as session:
        session.add(_definition("shared"))
        session.commit()
    with Session(engine) as reader, Session(engine) as writer:
        mine = reader.scalars(select(ProcessDefinition)).one()
        writer.scalars(select(ProcessDefinition)).one().note = "first"
        writer.commit()
        mine.note = "second"
        reader.commit()
    with Session(engine) as session:
        assert session.scalars(select(ProcessDefinition.note)).one() == "second"
