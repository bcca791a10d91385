"""Import pages. Each view parses, calls contracts.imports, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from contracts import imports
from contracts.errors import ImportTooLargeError
from contracts.identity.actor import Actor
from contracts.imports.models import ImportBatch
from engine.errors import ConflictError, InvalidInputError
from webui.auth import current_actor
from webui.documents.settings import MULTIPART_OVERHEAD, allow_large_body
from webui.errors import error_response
from webui.extensions import db
from webui.imports import bp
from webui.imports.tasks import archive_dir, import_contracts


def prepare_import_request(endpoint: str | None, values: object) -> None:
    """Before anything (the CSRF check included) parses the body: apply the import's limit."""
    if endpoint != "imports.upload" or request.method != "POST":
        return
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    if request.content_length is not None and request.content_length > limit + MULTIPART_OVERHEAD:
        raise ImportTooLargeError(
            f"the files are larger than the limit of {limit} bytes",
            details={"reason": "upload_too_large", "limit_mb": limit // 1024**2},
        )
    allow_large_body()


bp.url_value_preprocessor(prepare_import_request)
bp.add_app_template_global(imports.is_interrupted, "import_interrupted")


@bp.app_errorhandler(ImportTooLargeError)
def _too_large(error: ImportTooLargeError) -> Response:
    db.session.rollback()
    return error_response(413, error.code, refusal_message(error), error.details)


def refusal_message(error: InvalidInputError) -> str:
    """The refusal of an import's files in the user's language (else the service's words)."""
    details: dict[str, Any] = error.details if isinstance(error.details, dict) else {}
    reason = details.get("reason")
    if reason == "upload_too_large":
        return _("The files are larger than %(limit)s MB: refused.", limit=details["limit_mb"])
    if reason in ("sheet_too_large", "archive_too_large"):
        return _(
            "The file expands to more than %(limit)s MB when unpacked: refused.",
            limit=details["limit_mb"],
        )
    if reason == "zip_bomb":
        return _(
            "Part %(member)s expands %(ratio)s times: refused as a zip bomb.",
            member=details["member"],
            ratio=details["ratio"],
        )
    if reason == "size_mismatch":
        return _(
            "Part %(member)s is larger than its zip header says: refused.", member=details["member"]
        )
    if reason == "too_many_rows":
        return _("At most %(limit)s rows per import.", limit=details["limit"])
    if reason == "too_many_columns":
        return _("The sheet has more than %(limit)s columns.", limit=details["limit"])
    if reason == "cell_too_long":
        return _(
            "Row %(row)s has a cell longer than %(limit)s characters.",
            row=details["row"],
            limit=details["limit"],
        )
    return error.message


@bp.get("/")
@login_required
def index() -> str:
    recent = imports.recent_batches(db.session, current_actor())
    return render_template("imports/index.html", batches=recent, columns=imports.COLUMNS)


@bp.post("/")
@login_required
def upload() -> tuple[str, int] | Response:
    imports.require_importer(current_actor())  # before the files are read
    sheet = request.files.get("sheet")
    archive = request.files.get("archive")
    if sheet is None or not sheet.filename:
        flash(_("Choose an Excel sheet (.xlsx) to import."), "error")
        return redirect(url_for("imports.index"))
    folder = archive_dir()
    try:
        batch = imports.preview_import(
            db.session,
            sheet.stream,
            sheet.filename,
            current_actor(),
            archive=archive.stream if archive is not None and archive.filename else None,
            archive_dir=folder,
        )
        db.session.commit()
    except InvalidInputError as exc:
        db.session.rollback()
        flash(refusal_message(exc), "error")
        status = 413 if isinstance(exc, ImportTooLargeError) else 422
        return render_template("imports/index.html", batches=[], columns=imports.COLUMNS), status
    return redirect(url_for("imports.show", batch_id=batch.id))


@bp.get("/<int:batch_id>")
@login_required
def show(batch_id: int) -> str:
    return render_template(
        "imports/batch.html", batch=imports.own_batch(db.session, batch_id, current_actor())
    )


@bp.post("/<int:batch_id>/start")
@login_required
def start(batch_id: int) -> Response:
    return _queue(batch_id, imports.start_import)


@bp.post("/<int:batch_id>/resume")
@login_required
def resume(batch_id: int) -> Response:
    return _queue(batch_id, imports.resume_import)


def _queue(batch_id: int, use_case: Callable[[Session, int, Actor], ImportBatch]) -> Response:
    """Run start/resume, commit, then hand the batch to the import job."""
    try:
        use_case(db.session, batch_id, current_actor())
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("imports.show", batch_id=batch_id))
    db.session.commit()
    import_contracts.delay(batch_id)
    return redirect(url_for("imports.show", batch_id=batch_id))


@bp.get("/<int:batch_id>/progress")
@login_required
def progress(batch_id: int) -> str:
    return render_template(
        "imports/_progress.html", batch=imports.own_batch(db.session, batch_id, current_actor())
    )
