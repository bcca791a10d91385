"""The orphan sweep: `contracts.sweep_orphan_documents`, scheduled by beat or the ticker."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from contracts.documents.cleanup import ORPHAN_AGE, sweep_orphans
from webui.documents.settings import document_settings
from webui.extensions import db


def sweep_orphan_documents_now(older_than: timedelta = ORPHAN_AGE) -> list[str]:
    """Delete document files no version records (older than `older_than`); the keys."""
    try:
        return sweep_orphans(db.session, document_settings(), older_than=older_than)
    finally:
        db.session.rollback()  # it only read; end the transaction it opened


@shared_task(name="contracts.sweep_orphan_documents", ignore_result=True)
def sweep_orphan_documents() -> int:
    """Remove files a killed process stored but never recorded (older than an hour)."""
    return len(sweep_orphan_documents_now())
