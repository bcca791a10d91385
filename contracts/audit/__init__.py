"""Append to the audit log: a chain of HMAC-SHA256 hashes, anchored by signed checkpoints.

Each entry's hash is an HMAC (under the audit key, kept outside the database) over
its fields and its predecessor's hash; the head row holds the newest hash, signed.
Every `checkpoint_every` appends, and from the periodic job, a checkpoint signs the
entry count and head hash, so removing the newest entries is detected too.
`verify_chain` (in `contracts.audit.verify`) walks it all.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.audit import keys
from contracts.audit.keys import AuditSettings, install
from contracts.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from engine import clock
from engine.db import table_of

__all__ = [
    "GENESIS",
    "AuditSettings",
    "ChainReport",
    "checkpoint",
    "entry_hash",
    "install",
    "record",
    "record_as",
    "record_on_contract",
    "seal_legacy",
    "verify_chain",
    "write_checkpoint",
]

log = logging.getLogger(__name__)

GENESIS = "0" * 64


class Acting(Protocol):
    """Who acts: a username and the address the request came from."""

    @property
    def username(self) -> str: ...

    @property
    def ip(self) -> str | None: ...


def record_as(
    session: Session,
    action: str,
    actor: Acting,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry in the actor's name, from the actor's address (see `record`)."""
    record(
        session,
        action,
        actor=actor.username,
        object_type=object_type,
        object_id=object_id,
        ip=actor.ip,
        details=details,
    )


def record_on_contract(
    session: Session,
    action: str,
    actor: Acting,
    contract_id: int,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry about a contract, in the actor's name (see `record_as`)."""
    record_as(
        session, action, actor, object_type="contract", object_id=contract_id, details=details
    )


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
    """Append one entry whose keyed hash covers its fields and the previous entry's hash.

    The head row is locked before the entry is chained to its hash, so two
    concurrent appenders (on PostgreSQL or SQLite) never chain to the same
    predecessor. Usually one guarded UPDATE both locks and moves the head: it
    expects the hash this process saw last. When another process appended since
    (or that append was rolled back) it matches no row, and the append locks the
    head first and reads its hash. Entries are Core inserts: no ORM flush. Every
    `checkpoint_every`-th append also writes a signed checkpoint.
    """
    connection = session.connection()
    settings = keys.settings_for(connection)
    database = keys.database_of(connection)
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
    count: int | None = None
    if fields["prev_hash"] is not None:
        digest = _digest(settings, fields)
        count = connection.execute(
            _MOVE_HEAD,
            {
                "expected": fields["prev_hash"],
                "last_hash": digest,
                "signature": keys.head_signature(settings.key, digest),
            },
        ).scalar()
    if count is None:
        fields["prev_hash"], count = _lock_head(session, connection)
        digest = _digest(settings, fields)
        connection.execute(
            _SET_HEAD_HASH,
            {"last_hash": digest, "signature": keys.head_signature(settings.key, digest)},
        )
    row = {**fields, "hash": digest, "key_id": settings.key_id}
    if count % settings.checkpoint_every == 0:
        entry_id = connection.execute(_INSERT_ENTRY_RETURNING_ID, row).scalar_one()
        write_checkpoint(connection, settings, "count", count, entry_id, digest)
    else:
        connection.execute(_INSERT_ENTRY, row)
    _last_seen[database] = digest


# The newest hash this process appended, per database (a hint, checked by the UPDATE).
_last_seen: dict[str, str] = {}

# Core statements on the session's connection: the log is append-only and never read
# back through the session, so the ORM's bookkeeping would be pure overhead here.
_ENTRIES = table_of(AuditEntry)
_HEAD = table_of(AuditHead)
_CHECKPOINTS = table_of(AuditCheckpoint)
_INSERT_ENTRY = _ENTRIES.insert()
_INSERT_ENTRY_RETURNING_ID = _ENTRIES.insert().returning(_ENTRIES.c.id)
_INSERT_CHECKPOINT = _CHECKPOINTS.insert()
_SET_HEAD_HASH = (
    _HEAD.update()
    .where(_HEAD.c.id == 1)
    .values(last_hash=bindparam("last_hash"), signature=bindparam("signature"))
)
_LOCK_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1)
    .values(last_id=_HEAD.c.last_id + 1)
    .returning(_HEAD.c.last_hash, _HEAD.c.last_id)
)
_MOVE_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1, _HEAD.c.last_hash == bindparam("expected"))
    .values(
        last_id=_HEAD.c.last_id + 1,
        last_hash=bindparam("last_hash"),
        signature=bindparam("signature"),
    )
    .returning(_HEAD.c.last_id)
)


def _lock_head(session: Session, connection: Connection) -> tuple[str, int]:
    """Take the head row's write lock; return the newest hash and the new entry count."""
    row = connection.execute(_LOCK_HEAD).first()
    if row is not None:
        return str(row.last_hash), int(row.last_id)
    try:
        with session.begin_nested():
            session.execute(insert(AuditHead).values(id=1, last_hash=GENESIS, last_id=0))
    except IntegrityError:
        pass  # created by a concurrent appender
    row = session.connection().execute(_LOCK_HEAD).one()
    return str(row.last_hash), int(row.last_id)


def _digest(settings: AuditSettings, fields: dict[str, Any]) -> str:
    return keys.keyed_digest(settings.key, keys.entry_body(fields))


def write_checkpoint(
    connection: Connection,
    settings: AuditSettings,
    kind: str,
    entry_count: int,
    last_entry_id: int | None,
    head_hash: str,
) -> None:
    """Insert a checkpoint signed with the current key (the caller holds the head lock)."""
    at = clock.now().replace(microsecond=0)
    body = keys.checkpoint_body(kind, entry_count, last_entry_id, head_hash, at.isoformat())
    connection.execute(
        _INSERT_CHECKPOINT,
        {
            "at": at,
            "kind": kind,
            "entry_count": entry_count,
            "last_entry_id": last_entry_id,
            "head_hash": head_hash,
            "key_id": settings.key_id,
            "signature": keys.checkpoint_signature(settings.key, body),
        },
    )
    # Also outside the database: shipped logs keep the anchor if the table is rewritten.
    log.info(
        "audit checkpoint (%s): %d entries through entry %s, head %s",
        kind,
        entry_count,
        last_entry_id,
        head_hash,
    )


from contracts.audit.verify import (  # noqa: E402  (verify uses the statements above)
    ChainReport,
    checkpoint,
    entry_hash,
    seal_legacy,
    verify_chain,
)
