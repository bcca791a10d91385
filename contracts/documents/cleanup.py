"""No stored file outlives the transaction that would have recorded it.

A version's encrypted file is written before the database commits the row that
points at it. `delete_unless_committed` ties the file to the session's transaction:
when that transaction ends without committing (a rollback, a failed commit, a
session closed mid-way), the file is deleted. A process killed in between leaves
an orphan nobody will delete; `sweep_orphans` removes those once they are older
than any request could take (an hour by default).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from contracts.documents.models import DocumentVersion
from contracts.documents.settings import DocumentSettings
from contracts.documents.storage import Storage

log = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(hours=1)
SPOOL_PREFIX = "upload-"  # ingest's plaintext spools (removed at once unless killed)
_PENDING = "contractflow.documents.uncommitted_files"


@dataclass
class _UncommittedFiles:
    """Files stored in each open transaction of one session, and which ones committed."""

    files: dict[SessionTransaction, list[tuple[Storage, str]]] = field(default_factory=dict)
    committed: set[SessionTransaction] = field(default_factory=set)

    def on_commit(self, session: Session) -> None:
        # Called before the committing transaction closes, so it is still the current one.
        current = session.get_nested_transaction() or session.get_transaction()
        if current is not None:
            self.committed.add(current)

    def on_end(self, session: Session, transaction: SessionTransaction) -> None:
        committed = transaction in self.committed
        self.committed.discard(transaction)
        stored = self.files.pop(transaction, [])
        if not stored:
            return
        if not committed:
            for storage, key in stored:
                storage.delete(key)
            return
        outer = _enclosing(transaction)
        if outer is not None:  # a released savepoint: the outer transaction decides
            self.files.setdefault(outer, []).extend(stored)


def delete_unless_committed(session: Session, storage: Storage, key: str) -> None:
    """Delete the stored file `key` if the current transaction ends without committing."""
    target = session.registry() if isinstance(session, scoped_session) else session
    pending = target.info.get(_PENDING)
    if pending is None:
        pending = target.info[_PENDING] = _UncommittedFiles()
        event.listen(target, "after_commit", pending.on_commit)
        event.listen(target, "after_transaction_end", pending.on_end)
    transaction = target.get_nested_transaction() or target.get_transaction() or target.begin()
    pending.files.setdefault(transaction, []).append((storage, key))


def _enclosing(transaction: SessionTransaction) -> SessionTransaction | None:
    """The nearest outer transaction that commits on its own (skipping flush scopes)."""
    parent = transaction.parent
    while parent is not None and parent.parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def sweep_orphans(
    session: Session, settings: DocumentSettings, *, older_than: timedelta = ORPHAN_AGE
) -> list[str]:
    """Delete stored files no document version records, once older than `older_than`.

    Also removes half-written parts and plaintext spools a killed process left behind.
    Returns the deleted keys. A committed version's file is never touched.
    """
    cutoff = time.time() - older_than.total_seconds()
    candidates = list(settings.storage.keys_written_before(cutoff))
    deleted: list[str] = []
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        recorded = set(
            session.scalars(
                select(DocumentVersion.storage_key).where(DocumentVersion.storage_key.in_(batch))
            )
        )
        for key in batch:
            if key not in recorded:
                settings.storage.delete(key)
                deleted.append(key)
    parts = settings.storage.remove_stale_parts(cutoff) + _remove_stale_spools(
        settings.temp_dir, cutoff
    )
    if deleted or parts:
        log.warning("swept %d orphaned document file(s), %d stale part(s)", len(deleted), parts)
    return deleted


def _remove_stale_spools(temp_dir: Path, cutoff: float) -> int:
    removed = 0
    for path in temp_dir.glob(f"{SPOOL_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
