"""Extensions created at module level and bound in the app factory."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    class ContextSession(Session):
        """What `db.session` is to the type checker: the context's Session, plus `remove()`.

        At run time `db.session` is Flask-SQLAlchemy's `scoped_session`: it forwards every
        Session method to the current app context's Session and adds `remove()` (teardown).
        """

        def remove(self) -> None:
            """Close and forget the current app context's Session."""


class Database(SQLAlchemy):
    """Flask-SQLAlchemy with `session` typed as the Session our services take."""

    if TYPE_CHECKING:
        # Flask-SQLAlchemy declares `scoped_session[Session]`, which no service signature
        # accepts; the proxy behaves as a Session, so say so once here instead of casting
        # at every `service(db.session, ...)` call in the views.
        session: ContextSession  # type: ignore[assignment]


# Our models derive from engine.db.Base (not db.Model); Flask-SQLAlchemy only
# provides the session and engine, bound to that one metadata.
db = Database(metadata=Base.metadata)
login_manager = LoginManager()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """Embedded mode: WAL so the ticker and requests don't block readers; FKs enforced."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
