"""The import job: `contracts.import_contracts(batch_id)`, eager in the embedded mode."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from flask import current_app

from contracts.imports import interrupt_import, run_import
from webui.documents.settings import document_settings
from webui.extensions import db


def archive_dir() -> Path:
    """Where an uploaded zip waits between preview and import (next to the stored files)."""
    return document_settings().temp_dir / "imports"


@shared_task(name="contracts.import_contracts", ignore_result=True)
def import_contracts(batch_id: int) -> int:
    """Import a queued batch, committing after each row so the progress bar moves.

    Run again on a batch that died half-way (a redelivered task, or Resume), it
    imports the remaining rows only. A failure marks the batch interrupted rather
    than leaving it "running".
    """
    processed = 0
    try:
        for batch in run_import(db.session, batch_id, document_settings(), archive_dir()):
            db.session.commit()
            processed = batch.processed_rows
    except Exception as exc:
        db.session.rollback()
        interrupt_import(db.session, batch_id, f"{type(exc).__name__}: {exc}")
        db.session.commit()
        raise
    current_app.logger.info("import batch %s: %s rows processed", batch_id, processed)
    return processed
