"""Master-key rotation: re-wrap every data key under a new master key (files untouched)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.documents.crypto import Keyring
from contracts.documents.models import DocumentVersion


def rewrap_all(session: Session, old: Keyring, new: Keyring) -> int:
    """Re-wrap the data key of every version from `old` into `new`; return how many changed."""
    changed = 0
    for version in session.scalars(select(DocumentVersion)).yield_per(500):
        data_key = old.unwrap(version.wrapped_key)
        rewrapped = new.wrap(data_key)
        if rewrapped.partition(":")[0] != version.wrapped_key.partition(":")[0]:
            changed += 1
        version.wrapped_key = rewrapped
    session.flush()
    return changed
