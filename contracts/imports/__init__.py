"""Bulk import of existing contracts from an Excel sheet (and a zip of their files).

`preview_import` reads and checks every row (nothing is created yet) and stores
a batch with one result row per sheet row; `run_import` then creates the
contracts of the ready rows, one savepoint each, yielding progress so the
caller (a Celery task) can commit as it goes. A row whose idempotency key
(external_ref, else a hash of the row) was imported before is skipped.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import access, audit, service
from contracts.actor import Actor
from contracts.contract_input import parse_contract_input
from contracts.documents.ingest import Upload
from contracts.documents.service import upload_document
from contracts.documents.settings import DocumentSettings
from contracts.errors import ContractStateError, PermissionDeniedError, ValidationError
from contracts.models import Contract, ImportBatch, ImportRow
from engine import clock
from engine.errors import InvalidInputError, NotFoundError

COLUMNS = (
    "number title contract_type amount currency department counterparty "
    "effective_date expiry_date tags external_ref file"
).split()
CONTRACT_COLUMNS = (
    "title contract_type amount currency department counterparty effective_date expiry_date tags"
).split()
MAX_ROWS = 5000
MAX_ARCHIVE_MEMBERS = 10_000
MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 100


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
    """
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
    audit.record(
        session,
        "import.preview",
        actor=actor.username,
        object_type="import_batch",
        object_id=batch.id,
        ip=actor.ip,
        details={"rows": len(records), "file": batch.filename},
    )
    return batch


def archive_path(archive_dir: Path, batch_id: int) -> Path:
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
    return batch


def run_import(
    session: Session, batch_id: int, settings: DocumentSettings, archive_dir: Path | None = None
) -> Iterator[ImportBatch]:
    """Create the contracts of the batch's ready rows, yielding after each row."""
    batch = get_batch(session, batch_id)
    if batch.status not in ("queued", "running"):
        return
    batch.status = "running"
    actor = Actor(user=batch.created_by)
    path = archive_path(archive_dir, batch.id) if archive_dir else None
    archive = zipfile.ZipFile(path) if path and path.exists() else None
    try:
        for row in batch.rows:
            if row.status != "ready":
                continue
            if _already_imported(session, row.idempotency_key):
                row.status = "skipped"
            else:
                _import_row(session, row, actor, archive, settings)
            batch.processed_rows += 1
            yield batch
    finally:
        if archive is not None:
            archive.close()
    if path is not None:
        path.unlink(missing_ok=True)
    batch.status = "done"
    batch.finished_at = clock.now()
    audit.record(
        session,
        "import.run",
        actor=actor.username,
        object_type="import_batch",
        object_id=batch.id,
        details={"imported": batch.count("imported"), "skipped": batch.count("skipped")},
    )
    yield batch


def get_batch(session: Session, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"import batch {batch_id} does not exist")
    return batch


def require_owner(batch: ImportBatch, actor: Actor) -> None:
    """Only the person who uploaded a batch (or an admin) may see or start it."""
    if batch.created_by_id != actor.user.id and not actor.user.has_role("admin"):
        raise PermissionDeniedError(f"import batch {batch.id} is not yours")


def idempotency_key(data: dict[str, Any]) -> str:
    """external_ref when given, else a hash of the row's contract values."""
    ref = str(data.get("external_ref") or "").strip()
    if ref:
        return f"ref:{ref[:190]}"
    body = json.dumps({k: data.get(k) for k in COLUMNS}, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()


def check_archive(archive: IO[bytes]) -> set[str]:
    """Return the member names of a safe zip; refuse path tricks and zip bombs."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InvalidInputError("the archive is not a valid zip file") from None
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise InvalidInputError(f"the archive has more than {MAX_ARCHIVE_MEMBERS} files")
    total = 0
    names: set[str] = set()
    for info in infos:
        _check_member_name(info.filename)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO and info.file_size > 1024 * 1024:
            raise InvalidInputError(
                f"archive member '{info.filename}' expands {ratio:.0f} times: refused as a zip bomb"
            )
        if not info.is_dir():
            names.add(info.filename)
    if total > MAX_ARCHIVE_BYTES:
        raise InvalidInputError("the archive expands beyond the 2 GB limit: refused")
    return names


def _check_member_name(name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    unsafe = (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in path.parts
        or "\x00" in name
    )
    if unsafe:
        raise InvalidInputError(
            f"archive member name '{name}' points outside the archive: refused",
            details={"archive": [f"unsafe member name: {name}"]},
        )


def read_sheet(sheet: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    """Return (row number, values by column) for each non-empty row of the first sheet."""
    try:
        workbook = load_workbook(sheet, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise InvalidInputError(f"the sheet is not a readable .xlsx file ({exc})") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        unknown = [h for h in header if h and h not in COLUMNS]
        if unknown or "title" not in header:
            raise InvalidInputError(
                "the first row must name the columns: " + ", ".join(COLUMNS),
                details={"columns": [f"unknown: {', '.join(unknown)}"] if unknown else None},
            )
        records = []
        for number, values in enumerate(rows, start=2):
            data = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
            if any(v not in (None, "") for v in data.values()):
                records.append((number, data))
            if len(records) > MAX_ROWS:
                raise InvalidInputError(f"at most {MAX_ROWS} rows per import")
        return records
    finally:
        workbook.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(Decimal(str(value)))
    if isinstance(value, str):
        return value.strip()
    return value


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
    number = str(data.get("number") or "").strip()
    if number and session.scalar(select(Contract.id).where(Contract.number == number)):
        errors.append({"field": "number", "message": f"contract {number} already exists"})
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
    row: ImportRow,
    actor: Actor,
    archive: zipfile.ZipFile | None,
    settings: DocumentSettings,
) -> None:
    savepoint = session.begin_nested()
    try:
        contract = service.create_contract(session, _contract_input(row.data), actor)
        number = str(row.data.get("number") or "").strip()
        if number:
            contract.number = number[:32]
        session.flush()
        member = str(row.data.get("file") or "").strip()
        if member and archive is not None:
            info = archive.getinfo(member)
            with archive.open(info) as stream:
                name = PurePosixPath(member).name
                upload = Upload(stream, name, info.file_size)  # type: ignore[arg-type]
                upload_document(session, contract.id, upload, actor, settings, title=name)
    except (InvalidInputError, PermissionDeniedError, KeyError) as exc:
        savepoint.rollback()
        row.status = "failed"
        message = (
            exc.message if isinstance(exc, InvalidInputError | PermissionDeniedError) else str(exc)
        )
        row.errors = [{"field": "file" if isinstance(exc, KeyError) else "row", "message": message}]
        return
    savepoint.commit()
    row.status = "imported"
    row.contract_id = contract.id
