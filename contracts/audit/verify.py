"""Verify the audit log, write periodic checkpoints, and seal entries from before the key.

What verification catches, and names:
- an entry edited, or re-hashed without the key (plain SHA-256 or a wrong key);
- an entry removed from the middle, or rows reordered (a broken link);
- the newest entries removed with the head moved back (the head's signature, and
  any checkpoint covering them: "entries covered by checkpoint #k are missing");
- a forged, edited or re-signed checkpoint.
Removing the entries written after the newest checkpoint *and* replaying a head
signature copied earlier is the one thing it can't see: checkpoints bound that window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.audit import GENESIS, keys, write_checkpoint
from contracts.audit.keys import AuditSettings
from contracts.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from engine import clock
from engine.db import table_of

SEAL = "seal"

_HEAD = table_of(AuditHead)
# Locks the head like an append would, without moving it: the checkpoint then matches it.
_HOLD_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1)
    .values(last_id=_HEAD.c.last_id)
    .returning(_HEAD.c.last_id, _HEAD.c.last_hash)
)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
    checkpoints: int = 0

    def describe(self) -> str:
        """One line for people: ok with counts, or what is broken first."""
        if self.ok:
            return f"ok: {self.checked} entries, {self.checkpoints} checkpoint(s) verified"
        return f"broken: {self.problem}"


def entry_hash(entry: AuditEntry, settings: AuditSettings) -> str | None:
    """Recompute an entry's hash the way it was made (None: its key is not available)."""
    body = keys.entry_body(
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
    if entry.key_id is None:
        return keys.legacy_digest(body)
    key = settings.key_for(entry.key_id)
    return None if key is None else keys.keyed_digest(key, body)


def _checkpoint_valid(checkpoint: AuditCheckpoint, settings: AuditSettings) -> bool:
    key = settings.key_for(checkpoint.key_id)
    if key is None:
        return False
    body = keys.checkpoint_body(
        checkpoint.kind,
        checkpoint.entry_count,
        checkpoint.last_entry_id,
        checkpoint.head_hash,
        checkpoint.at.isoformat(),
    )
    return keys.same(keys.checkpoint_signature(key, body), checkpoint.signature)


def verify_chain(session: Session) -> ChainReport:
    """Walk the log and its checkpoints in order; report the first thing that is wrong."""
    settings = keys.settings_for(session.connection())
    checkpoints = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))
    forged = _first_forged_checkpoint(checkpoints, settings)
    if forged is not None:
        return ChainReport(
            ok=False,
            checked=0,
            problem=f"checkpoint #{forged.id} does not carry a valid signature",
        )
    seal_count = max((c.entry_count for c in checkpoints if c.kind == SEAL), default=0)
    by_count: dict[int, list[AuditCheckpoint]] = defaultdict(list)
    for checkpoint in checkpoints:
        by_count[checkpoint.entry_count].append(checkpoint)

    previous = GENESIS
    checked = 0
    keyed_seen = False
    last_id: int | None = None
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000)
    for entry in entries:
        problem = _entry_problem(
            entry, previous, checked + 1, seal_count, keyed_seen, settings
        ) or _sealed_position_problem(entry, by_count.get(checked + 1, []))
        if problem is not None:
            return _broken(checked, entry.id, problem, len(checkpoints))
        keyed_seen = keyed_seen or entry.key_id is not None
        previous = entry.hash
        last_id = entry.id
        checked += 1

    beyond = [c for c in checkpoints if c.entry_count > checked]
    if beyond:
        first = min(beyond, key=lambda c: c.entry_count)
        return _broken(
            checked,
            None,
            f"entries covered by checkpoint #{first.id} are missing: it sealed "
            f"{first.entry_count} entries through entry {first.last_entry_id}, the log "
            f"has {checked} (ending at entry {last_id})",
            len(checkpoints),
        )
    head_problem = _head_problem(session.get(AuditHead, 1), previous, checked, settings)
    if head_problem is not None:
        return _broken(checked, None, head_problem, len(checkpoints))
    return ChainReport(ok=True, checked=checked, checkpoints=len(checkpoints))


def _first_forged_checkpoint(
    checkpoints: list[AuditCheckpoint], settings: AuditSettings
) -> AuditCheckpoint | None:
    return next((c for c in checkpoints if not _checkpoint_valid(c, settings)), None)


def _sealed_position_problem(entry: AuditEntry, sealing: list[AuditCheckpoint]) -> str | None:
    """Name the first checkpoint that sealed a different entry at this entry's position."""
    for checkpoint in sealing:
        if checkpoint.head_hash != entry.hash or checkpoint.last_entry_id not in (None, entry.id):
            return (
                f"entry {entry.id} is not the entry checkpoint #{checkpoint.id} "
                f"sealed as number {checkpoint.entry_count} "
                "(entries before it were removed or replaced)"
            )
    return None


def _broken(checked: int, entry_id: int | None, problem: str, checkpoints: int) -> ChainReport:
    return ChainReport(
        ok=False, checked=checked, first_bad_id=entry_id, problem=problem, checkpoints=checkpoints
    )


def _entry_problem(
    entry: AuditEntry,
    previous: str,
    position: int,
    seal_count: int,
    keyed_seen: bool,
    settings: AuditSettings,
) -> str | None:
    if entry.key_id is None and (keyed_seen or position > seal_count):
        return f"entry {entry.id} has an unkeyed hash outside the sealed legacy entries"
    if entry.prev_hash != previous:
        return (
            f"entry {entry.id} does not follow its predecessor "
            "(an entry before it was removed, or rows were reordered)"
        )
    expected = entry_hash(entry, settings)
    if expected is None:
        return f"entry {entry.id} was signed with audit key {entry.key_id}, which is not installed"
    if not keys.same(expected, entry.hash):
        return f"entry {entry.id} does not match its hash (edited, or re-hashed without the key)"
    return None


def _head_problem(
    head: AuditHead | None, previous: str, checked: int, settings: AuditSettings
) -> str | None:
    if head is None:
        return None if checked == 0 else "the head row is missing"
    if head.last_hash != previous or head.last_id != checked:
        return (
            f"the head says {head.last_id} entries, the log has {checked}: "
            "the newest entries were removed (or the head was edited)"
        )
    if checked and not any(
        keys.same(keys.head_signature(key, head.last_hash), head.signature)
        for key in (settings.key, *settings.previous_keys)
    ):
        return (
            "the head's signature does not match its newest hash: "
            "the newest entries were removed and the head moved back"
        )
    return None


def checkpoint(session: Session, *, force: bool = False) -> AuditCheckpoint | None:
    """Sign the current count and head when the log grew and the last one is old enough.

    Called by the periodic job (and `contractflow audit checkpoint` with force).
    Reads first without a lock, so an idle log costs two SELECTs and no write.
    """
    settings = keys.settings_for(session.connection())
    head = session.execute(select(AuditHead.last_id).where(AuditHead.id == 1)).scalar()
    if not head:
        return None
    latest = session.execute(
        select(AuditCheckpoint.entry_count, AuditCheckpoint.at)
        .order_by(AuditCheckpoint.id.desc())
        .limit(1)
    ).first()
    if latest is not None and not force:
        if latest.entry_count >= head or clock.now() - latest.at < settings.checkpoint_interval:
            return None
    connection = session.connection()
    locked = connection.execute(_HOLD_HEAD).one()
    last_entry_id = session.scalar(select(func.max(AuditEntry.id)))
    write_checkpoint(
        connection, settings, "periodic", locked.last_id, last_entry_id, locked.last_hash
    )
    return session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc())).first()


def seal_legacy(session: Session) -> AuditCheckpoint | None:
    """Seal the entries hashed before the log was keyed (once, at the upgrade).

    The seal signs how many unkeyed entries there are and the newest one's hash:
    they are verified the old way up to it, and nothing unkeyed is accepted after.
    """
    settings = keys.settings_for(session.connection())
    if session.scalar(select(AuditCheckpoint.id).where(AuditCheckpoint.kind == SEAL).limit(1)):
        return None
    legacy = select(AuditEntry).where(AuditEntry.key_id.is_(None))
    count = session.scalar(select(func.count()).select_from(legacy.subquery())) or 0
    connection = session.connection()
    head = connection.execute(_HOLD_HEAD).first()
    if head is not None:
        connection.execute(
            _HEAD.update()
            .where(_HEAD.c.id == 1, _HEAD.c.signature.is_(None))
            .values(signature=keys.head_signature(settings.key, head.last_hash))
        )
    if count == 0:
        return None
    newest = session.scalars(legacy.order_by(AuditEntry.id.desc()).limit(1)).one()
    write_checkpoint(connection, settings, SEAL, count, newest.id, newest.hash)
    return session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.kind == SEAL)).one()
