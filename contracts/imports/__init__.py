"""Bulk import of existing contracts from an Excel sheet (and a zip of their files).

`preview_import` reads and checks every row (nothing is created yet) and stores
a batch with one result row per sheet row; `run_import` then creates the
contracts of the ready rows, yielding after each so the caller (a Celery task)
commits row by row. A row's contract and the row's own "imported" mark are
written in one transaction, so a crash leaves either both or neither, and a
resumed batch (`resume_import`) never imports a row twice. A batch whose worker
died shows as interrupted once its heartbeat is STALE_AFTER old. A row whose
idempotency key (external_ref, else a hash of the row) was imported before is
skipped. Contract numbers always come from the system; a sheet's `number`
becomes the contract's external reference.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from contracts import audit
from contracts.core import service
from contracts.core.contract_input import parse_contract_input
from contracts.documents.ingest import Upload
from contracts.documents.service import upload_document
from contracts.documents.settings import DocumentSettings
from contracts.errors import ContractStateError, PermissionDeniedError, ValidationError
from contracts.identity import access
from contracts.identity.actor import Actor
from contracts.imports.files import (
    COLUMNS,
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_MEMBERS,
    MAX_COMPRESSION_RATIO,
    MAX_ROWS,
    MAX_SHEET_BYTES,
    check_archive,
    check_workbook,
    read_sheet,
)
from contracts.imports.models import ImportBatch, ImportRow
from contracts.imports.permissions import (
    IMPORTERS,
    get_batch,
    own_batch,
    recent_batches,
    require_importer,
    require_owner,
)
from engine import clock
from engine.errors import InvalidInputError

__all__ = [
    "COLUMNS",
    "IMPORTERS",
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "MAX_ROWS",
    "MAX_SHEET_BYTES",
    "STALE_AFTER",
    "archive_path",
    "check_archive",
    "check_workbook",
    "get_batch",
    "idempotency_key",
    "interrupt_import",
    "is_interrupted",
    "own_batch",
    "preview_import",
    "read_sheet",
    "recent_batches",
    "require_importer",
    "require_owner",
    "resume_import",
    "run_import",
    "start_import",
]

CONTRACT_COLUMNS = (
    "title contract_type amount currency department counterparty effective_date expiry_date tags"
).split()
EXTERNAL_REF_CHARS = 100
# A running import writes a heartbeat with every row; one silent this long has died.
STALE_AFTER = timedelta(minutes=5)
DONE_STATUSES = ("imported", "skipped", "failed")


def preview_import(
    session: Session,
    sheet: IO[bytes],
    filename: str,
    actor: Actor,
    archive: IO[bytes] | None = None,
    archive_dir: Path | None = None,
) -> ImportBatch:
    """Check every row of the sheet and store a batch of results; create no contract.

    A safe zip is kept in `archive_dir` until the import has run (the caller removes
    it if the transaction fails); an unsafe one is refused before anything is stored.
    Only editors, department managers and admins import.
    """
    require_importer(actor)
    members = check_archive(archive) if archive is not None else None
    records = read_sheet(sheet)
    batch = ImportBatch(
        filename=filename[:255],
        created_by=actor.user,
        has_archive=members is not None,
        total_rows=len(records),
    )
    seen: set[str] = set()
    for row_number, data in records:
        key = idempotency_key(data)
        errors: list[dict[str, str]] = []
        if key in seen or _already_imported(session, key):
            status = "duplicate"
        else:
            errors = _row_errors(session, data, actor, members)
            status = "invalid" if errors else "ready"
        seen.add(key)
        batch.rows.append(
            ImportRow(
                row_number=row_number, idempotency_key=key, data=data, status=status, errors=errors
            )
        )
    session.add(batch)
    session.flush()
    if archive is not None and archive_dir is not None:
        archive.seek(0)
        archive_dir.mkdir(parents=True, exist_ok=True)
        with archive_path(archive_dir, batch.id).open("wb") as out:
            while chunk := archive.read(1024 * 1024):
                out.write(chunk)
    audit.record_as(
        session,
        "import.preview",
        actor,
        object_type="import_batch",
        object_id=batch.id,
        details={"rows": len(records), "file": batch.filename},
    )
    return batch


def archive_path(archive_dir: Path, batch_id: int) -> Path:
    """Where a batch's zip waits between preview and import."""
    return archive_dir / f"import-{batch_id}.zip"


def start_import(session: Session, batch_id: int, actor: Actor) -> ImportBatch:
    """Queue a previewed batch for import (once)."""
    batch = get_batch(session, batch_id)
    require_owner(batch, actor)
    if batch.status != "previewed":
        raise ContractStateError(
            f"import {batch.id} is already {batch.status}", details={"status": batch.status}
        )
    batch.status = "queued"
    batch.heartbeat_at = clock.now()
    return batch


def is_interrupted(batch: ImportBatch) -> bool:
    """True when the batch stopped before its end: marked so, or silent for STALE_AFTER."""
    if batch.status == "interrupted":
        return True
    if batch.status not in ("queued", "running"):
        return False
    last_sign = batch.heartbeat_at or batch.created_at
    return clock.now() - last_sign > STALE_AFTER


def resume_import(session: Session, batch_id: int, actor: Actor) -> ImportBatch:
    """Queue an interrupted batch again; its imported rows stay, the rest follow once."""
    batch = get_batch(session, batch_id)
    require_owner(batch, actor)
    if not is_interrupted(batch):
        raise ContractStateError(
            f"import {batch.id} is {batch.status}, not interrupted",
            details={"status": batch.status},
        )
    batch.status = "queued"
    batch.heartbeat_at = clock.now()
    audit.record_as(
        session,
        "import.resume",
        actor,
        object_type="import_batch",
        object_id=batch.id,
        details={"done": _done_rows(batch)},
    )
    return batch


def interrupt_import(session: Session, batch_id: int, reason: str) -> None:
    """Mark a batch whose run failed as interrupted (its committed rows stay imported)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is not None and batch.status in ("queued", "running"):
        batch.status = "interrupted"
        batch.heartbeat_at = clock.now()
        audit.record(
            session,
            "import.interrupted",
            actor="system",
            object_type="import_batch",
            object_id=batch.id,
            details={"reason": reason[:300]},
        )


def run_import(
    session: Session, batch_id: int, settings: DocumentSettings, archive_dir: Path | None = None
) -> Iterator[ImportBatch]:
    """Create the contracts of the batch's ready rows, yielding after each row.

    Each row (its contract, documents and the row's own status) is one savepoint
    inside the transaction the caller commits after every yield. Rows already
    done are passed over, so a batch that died half-way is simply run again.
    """
    batch = get_batch(session, batch_id)
    if batch.status not in ("queued", "running"):
        return
    batch.status = "running"
    batch.heartbeat_at = clock.now()
    actor = Actor(user=batch.created_by)
    path = archive_path(archive_dir, batch.id) if archive_dir else None
    archive = zipfile.ZipFile(path) if path and path.exists() else None
    try:
        for row in batch.rows:
            if row.status != "ready":
                continue
            _import_row(session, batch, row, actor, archive, settings)
            yield batch
    finally:
        if archive is not None:
            archive.close()
    if path is not None:
        path.unlink(missing_ok=True)
    batch.status = "done"
    batch.finished_at = clock.now()
    batch.processed_rows = _done_rows(batch)
    audit.record(
        session,
        "import.run",
        actor=actor.username,
        object_type="import_batch",
        object_id=batch.id,
        details={"imported": batch.count("imported"), "skipped": batch.count("skipped")},
    )
    yield batch


def idempotency_key(data: dict[str, Any]) -> str:
    """external_ref when given, else a hash of the row's contract values."""
    ref = str(data.get("external_ref") or "").strip()
    if ref:
        return f"ref:{ref[:190]}"
    body = json.dumps({k: data.get(k) for k in COLUMNS}, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()


def external_reference(data: dict[str, Any]) -> str | None:
    """The number the row had in the old system (else its external_ref), never ours."""
    ref = str(data.get("number") or data.get("external_ref") or "").strip()
    return ref[:EXTERNAL_REF_CHARS] or None


def _done_rows(batch: ImportBatch) -> int:
    return sum(batch.count(status) for status in DONE_STATUSES)


def _contract_input(data: dict[str, Any]) -> dict[str, Any]:
    raw = {k: data.get(k) for k in CONTRACT_COLUMNS if data.get(k) not in (None, "")}
    if "tags" in raw:
        raw["tags"] = [t.strip() for t in str(raw["tags"]).split(",") if t.strip()]
    raw.setdefault("currency", "CNY")
    return raw


def _row_errors(
    session: Session, data: dict[str, Any], actor: Actor, members: set[str] | None
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    try:
        parsed = parse_contract_input(session, _contract_input(data), partial=False)
        access.require_create(actor.user, parsed["department"].id)
    except ValidationError as exc:
        for name, messages in exc.details.items():
            errors.extend({"field": name, "message": m} for m in messages)
    except PermissionDeniedError as exc:
        errors.append({"field": "department", "message": exc.message})
    member = str(data.get("file") or "").strip()
    if member:
        if members is None:
            errors.append({"field": "file", "message": "names a file but no zip was uploaded"})
        elif member not in members:
            errors.append({"field": "file", "message": f"'{member}' is not in the zip"})
    return errors


def _already_imported(session: Session, key: str) -> bool:
    query = select(ImportRow.id).where(
        ImportRow.idempotency_key == key, ImportRow.status == "imported"
    )
    return session.scalar(query.limit(1)) is not None


def _import_row(
    session: Session,
    batch: ImportBatch,
    row: ImportRow,
    actor: Actor,
    archive: zipfile.ZipFile | None,
    settings: DocumentSettings,
) -> None:
    """Import one row in a savepoint: contract, documents and the row's mark together."""
    savepoint = session.begin_nested()
    try:
        if _already_imported(session, row.idempotency_key):
            outcome: dict[str, Any] = {"status": "skipped"}
        else:
            contract = service.create_contract(session, _contract_input(row.data), actor)
            contract.external_ref = external_reference(row.data)
            session.flush()
            _attach_file(session, contract.id, row, actor, archive, settings)
            outcome = {"status": "imported", "contract_id": contract.id}
        if not _claim(session, row, outcome):
            savepoint.rollback()  # another run of this batch did the row meanwhile
            session.refresh(row)
            return
    except (InvalidInputError, PermissionDeniedError, KeyError) as exc:
        savepoint.rollback()
        message = (
            exc.message if isinstance(exc, InvalidInputError | PermissionDeniedError) else str(exc)
        )
        field = "file" if isinstance(exc, KeyError) else "row"
        failed = {"status": "failed", "errors": [{"field": field, "message": message}]}
        if not _claim(session, row, failed):
            session.refresh(row)
    else:
        savepoint.commit()
    batch.processed_rows = _done_rows(batch)
    batch.heartbeat_at = clock.now()


def _attach_file(
    session: Session,
    contract_id: int,
    row: ImportRow,
    actor: Actor,
    archive: zipfile.ZipFile | None,
    settings: DocumentSettings,
) -> None:
    member = str(row.data.get("file") or "").strip()
    if member and archive is not None:
        info = archive.getinfo(member)
        with archive.open(info) as stream:
            name = PurePosixPath(member).name
            upload = Upload(stream, name, info.file_size)  # type: ignore[arg-type]
            upload_document(session, contract_id, upload, actor, settings, title=name)


def _claim(session: Session, row: ImportRow, values: dict[str, Any]) -> bool:
    """Move the row out of "ready" with a guarded UPDATE; False if it had moved already."""
    result = session.execute(
        update(ImportRow)
        .where(ImportRow.id == row.id, ImportRow.status == "ready")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    for key, value in values.items():
        set_committed_value(row, key, value)
    return True
