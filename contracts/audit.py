"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.models import AuditEntry, AuditHead
from engine import clock

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
    """Append one entry whose hash covers its fields and the previous entry's hash."""
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS, last_id=0)
        session.add(head)
    entry = AuditEntry(
        at=clock.now().replace(microsecond=0),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=ip,
        details=details,
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    head.last_hash = entry.hash
    head.last_id = entry.id
    return entry


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
    if head is not None and head.last_hash != previous:
        return ChainReport(ok=False, checked=checked, first_bad_id=head.last_id)
    return ChainReport(ok=True, checked=checked)
