"""The declarative base shared by every model, and column types."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Numeric, Table, bindparam, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Dialect, Engine, ExceptionContext
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

from engine.errors import ConcurrentUpdateError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(conn: Connection, _name: str) -> None:
    """Open the transaction before a SAVEPOINT when sqlite3 has not opened it yet.

    sqlite3's default (legacy) transaction control emits BEGIN only before an INSERT,
    UPDATE or DELETE. A `begin_nested()` before the transaction's first write therefore
    sent SAVEPOINT outside any transaction: SQLite made it the outermost transaction,
    its RELEASE committed, and a rollback of the outer transaction undid nothing.
    Beginning here makes every savepoint nest in the session's transaction (imports,
    outbox, timers and instances rely on it), while everything else keeps the driver's
    behaviour: a transaction starts at its first write and waits there for the write
    lock, so concurrent requests queue instead of failing on a stale read snapshot.
    """
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        if dbapi_connection.isolation_level is not None:  # not AUTOCOMMIT
            dbapi_connection.execute("BEGIN")


SQLITE_BUSY_SNAPSHOT = 517


@event.listens_for(Engine, "handle_error")
def _sqlite_stale_snapshot_is_a_concurrent_update(context: ExceptionContext) -> None:
    """A write after another connection committed since this transaction read: a conflict.

    With real transactions SQLite refuses such a write at once (SQLITE_BUSY_SNAPSHOT,
    "database is locked"); it is what PostgreSQL reports as a serialization failure
    and what a version check reports as stale: someone else saved first (409).
    """
    error = context.original_exception
    if getattr(error, "sqlite_errorcode", None) == SQLITE_BUSY_SNAPSHOT:
        raise ConcurrentUpdateError(
            "someone else saved a change meanwhile; reload and try again"
        ) from error


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back timezone-aware.

    SQLite drops offsets; keeping one convention means comparisons with
    `clock.now()` work on both databases.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


_SQLITE_INT_MAX = 2**63 - 1


class _MinorUnits(Numeric):  # type: ignore[type-arg]
    """NUMERIC(p, s) in the DDL whose values travel as integers, untouched by the driver."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class ExactDecimal(TypeDecorator[Decimal]):
    """A fixed-point decimal that never passes through floating point.

    PostgreSQL keeps a real NUMERIC. SQLite has no decimal type (the driver would
    bind a float and lose cents beyond 15 digits), so there the column holds the
    value in minor units: an integer scaled by 10**scale, e.g. 12.34 as 1234 for
    scale 2. Integers compare, sort and SUM exactly, and bound parameters of a
    comparison are scaled the same way, so range filters and ORDER BY stay in SQL.
    The DDL says NUMERIC(p, s) on both databases (an integer in a NUMERIC column
    stays an integer in SQLite). Raw SQL on SQLite sees minor units.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision, scale)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_MinorUnits(self.precision, self.scale))
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name != "sqlite":
            return number
        if not number.is_finite():
            raise ValueError(f"{number} is not a finite decimal")
        # A bound far outside any stored value (a filter's amount_min=1e30) compares the
        # same as the largest integer SQLite holds; beyond it the driver would refuse it.
        minor = number.scaleb(self.scale)
        if abs(minor) > _SQLITE_INT_MAX:
            return _SQLITE_INT_MAX if minor > 0 else -_SQLITE_INT_MAX
        return int(minor.to_integral_value(rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name != "sqlite":
            return value if isinstance(value, Decimal) else Decimal(str(value))
        return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)


class Base(DeclarativeBase):
    """The one declarative base: engine, identity, contract and audit models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements on hot paths (no unit-of-work bookkeeping).

    Executed with `session.connection().execute(...)` such a statement costs a
    tenth of an ORM flush; use it for rows the session never reads back.
    """
    table = model.__table__
    assert isinstance(table, Table)
    return table


# Model -> (the version attribute's key, the UPDATE ... WHERE id AND version statement).
_VERSIONED_UPDATES: dict[type[Base], tuple[str, Any]] = {}


def _versioned_update(model: type[Base]) -> tuple[str, Any]:
    mapper = sa_inspect(model)
    version_column = mapper.version_id_col
    assert version_column is not None, f"{model.__name__} has no version column"
    table = table_of(model)
    statement = table.update().where(
        table.c.id == bindparam("_id"), version_column == bindparam("_version")
    )  # SET: the columns named in the parameters
    return mapper.get_property_by_column(version_column).key, statement


def update_versioned(session: Session, obj: Base, values: dict[str, Any]) -> bool:
    """UPDATE some columns of a loaded row if nobody saved it since it was read.

    One Core statement under the mapper's optimistic lock (`version_id_col`), for hot
    paths where a flush of the whole object would cost several times more. On success
    the new values (and the bumped version) become the object's committed state; False
    means the row changed meanwhile and nothing was written.
    """
    model = type(obj)
    found = _VERSIONED_UPDATES.get(model)
    if found is None:
        found = _VERSIONED_UPDATES[model] = _versioned_update(model)
    key, statement = found
    identity = sa_inspect(obj).identity
    assert identity is not None, "only a row loaded from (or written to) the database"
    version = getattr(obj, key)
    written: dict[str, Any] = {**values, key: version + 1}
    result = session.connection().execute(
        statement, {**written, "_id": identity[0], "_version": version}
    )
    if result.rowcount != 1:
        return False
    for key, value in written.items():
        set_committed_value(obj, key, value)
    return True
