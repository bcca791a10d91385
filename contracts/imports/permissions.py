"""Who may import, and whose batches a person sees."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from contracts.imports.models import ImportBatch
from engine.errors import NotFoundError

IMPORTERS = ("editor", "dept_manager", "admin")
RECENT = 20


def require_importer(actor: Actor) -> None:
    """Raise PermissionDeniedError unless the actor is an editor, department manager or admin."""
    if not actor.user.has_role(*IMPORTERS):
        raise PermissionDeniedError("only editors, department managers and admins import contracts")


def require_owner(batch: ImportBatch, actor: Actor) -> None:
    """Only the person who uploaded a batch (or an admin) may see or start it."""
    if batch.created_by_id != actor.user.id and not actor.user.has_role("admin"):
        raise PermissionDeniedError(f"import batch {batch.id} is not yours")


def get_batch(session: Session, batch_id: int) -> ImportBatch:
    """Return the batch or raise NotFoundError."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"import batch {batch_id} does not exist")
    return batch


def own_batch(session: Session, batch_id: int, actor: Actor) -> ImportBatch:
    """Return a batch the actor uploaded (any batch, for an admin)."""
    batch = get_batch(session, batch_id)
    require_owner(batch, actor)
    return batch


def recent_batches(session: Session, actor: Actor) -> list[ImportBatch]:
    """Return the importer's own most recent batches, newest first."""
    require_importer(actor)
    return list(
        session.scalars(
            select(ImportBatch)
            .where(ImportBatch.created_by_id == actor.user.id)
            .order_by(ImportBatch.id.desc())
            .limit(RECENT)
        )
    )
