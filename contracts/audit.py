"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.models import AuditEntry, AuditHead
from engine import clock
from engine.db import table_of

GENESIS = "0" * 64


def record(
    session: Session,
    action: str,
    *,
    actor: str | None,
    object_type: str | None = None,
    object_id: Any = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry whose hash covers its fields and the previous entry's hash.

    The head row is locked by an UPDATE before its hash is read, so two
    concurrent appenders (on PostgreSQL or SQLite) never chain to the same
    predecessor. Entries are written with Core inserts: no ORM flush.
    """
    connection = session.connection()
    previous = _lock_head(session, connection)
    fields = {
        "at": clock.now().replace(microsecond=0),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "ip": ip,
        "details": details,
        "prev_hash": previous,
    }
    entry = AuditEntry(**fields)
    entry.hash = entry_hash(entry)
    connection.execute(_INSERT_ENTRY, {**fields, "hash": entry.hash})
    connection.execute(_SET_HEAD_HASH, {"last_hash": entry.hash})
    return entry


# Core statements on the session's connection: the log is append-only and never read
# back through the session, so the ORM's bookkeeping would be pure overhead here.
_ENTRIES = table_of(AuditEntry)
_HEAD = table_of(AuditHead)
_INSERT_ENTRY = _ENTRIES.insert()
_SET_HEAD_HASH = _HEAD.update().where(_HEAD.c.id == 1).values(last_hash=bindparam("last_hash"))
_LOCK_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1)
    .values(last_id=_HEAD.c.last_id + 1)
    .returning(_HEAD.c.last_hash)
)


def _lock_head(session: Session, connection: Connection) -> str:
    """Take the head row's write lock and return the newest hash (creating the head once)."""
    last_hash = connection.execute(_LOCK_HEAD).scalar()
    if last_hash is not None:
        return str(last_hash)
    try:
        with session.begin_nested():
            session.execute(insert(AuditHead).values(id=1, last_hash=GENESIS, last_id=0))
    except IntegrityError:
        pass  # created by a concurrent appender
    return str(session.connection().execute(_LOCK_HEAD).scalar_one())


def entry_hash(entry: AuditEntry) -> str:
    """Return the SHA-256 over an entry's content and its predecessor's hash."""
    body = json.dumps(
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "ip": entry.ip,
            "details": entry.details,
            "prev": entry.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None


def verify_chain(session: Session) -> ChainReport:
    """Walk the log in order; report the first entry whose hash or link is wrong."""
    previous = GENESIS
    checked = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if entry.prev_hash != previous or entry_hash(entry) != entry.hash:
            return ChainReport(ok=False, checked=checked, first_bad_id=entry.id)
        previous = entry.hash
        checked += 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_hash != previous or head.last_id != checked):
        # The newest entries were removed (or the head was edited).
        return ChainReport(ok=False, checked=checked, first_bad_id=None)
    return ChainReport(ok=True, checked=checked)
