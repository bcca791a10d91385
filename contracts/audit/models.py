"""The append-only audit log, chained by keyed hash (HMAC) and anchored by signed checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine import clock
from engine.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    actor: Mapped[str | None] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The audit key that made `hash` (HMAC-SHA256); None: an entry written before the
    # log was keyed (plain SHA-256), accepted only inside the legacy seal checkpoint.
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditHead(Base):
    """The single row holding the newest hash and how many entries were appended.

    Appenders lock it (UPDATE) before reading the hash, which serialises them.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_id: Mapped[int] = mapped_column(default=0)  # entries appended so far
    # HMAC of the newest hash: a head moved back over deleted entries can't be re-signed.
    signature: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement "the log had `entry_count` entries ending in `head_hash`".

    Written every N appends, by the periodic job, and once at the upgrade to keyed
    hashes (kind "seal": the unkeyed entries it covers are accepted). Entries it
    covers can't be removed or re-hashed without the audit key going unnoticed.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20))
    entry_count: Mapped[int]
    last_entry_id: Mapped[int | None]
    head_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(64))
