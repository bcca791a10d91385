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
) -> None:
    """Append one entry whose hash covers its fields and the previous entry's hash.

    The head row is locked before the entry is chained to its hash, so two
    concurrent appenders (on PostgreSQL or SQLite) never chain to the same
    predecessor. Usually one guarded UPDATE both locks and moves the head: it
    expects the hash this process saw last. When another process appended since
    (or that append was rolled back) it matches no row, and the append locks the
    head first and reads its hash. Entries are Core inserts: no ORM flush.
    """
    connection = session.connection()
    database = str(connection.engine.url)
    fields = {
        "at": clock.now().replace(microsecond=0),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "ip": ip,
        "details": details,
        "prev_hash": _last_seen.get(database),
    }
    moved = False
    if fields["prev_hash"] is not None:
        digest = _digest(fields)
        moved = (
            connection.execute(
                _MOVE_HEAD, {"expected": fields["prev_hash"], "last_hash": digest}
            ).rowcount
            == 1
        )
    if not moved:
        fields["prev_hash"] = _lock_head(session, connection)
        digest = _digest(fields)
        connection.execute(_SET_HEAD_HASH, {"last_hash": digest})
    connection.execute(_INSERT_ENTRY, {**fields, "hash": digest})
    _last_seen[database] = digest


# The newest hash this process appended, per database (a hint, checked by the UPDATE).
_last_seen: dict[str, str] = {}

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
_MOVE_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1, _HEAD.c.last_hash == bindparam("expected"))
    .values(last_id=_HEAD.c.last_id + 1, last_hash=bindparam("last_hash"))
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
    return _digest(
        {
            "at": entry.at,
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "ip": entry.ip,
            "details": entry.details,
            "prev_hash": entry.prev_hash,
        }
    )


def _digest(fields: dict[str, Any]) -> str:
    body = json.dumps(
        {
            "at": fields["at"].isoformat(),
            "actor": fields["actor"],
            "action": fields["action"],
            "object_type": fields["object_type"],
            "object_id": fields["object_id"],
            "ip": fields["ip"],
            "details": fields["details"],
            "prev": fields["prev_hash"],
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
