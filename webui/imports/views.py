"""Import pages. Each view parses, calls contracts.imports, renders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from contracts import imports
from contracts.errors import PermissionDeniedError
from contracts.models import ImportBatch
from engine.errors import ConflictError, InvalidInputError
from webui.auth import current_actor
from webui.documents.settings import allow_large_body
from webui.extensions import db
from webui.imports import bp
from webui.imports.tasks import archive_dir, import_contracts

IMPORTERS = ("editor", "dept_manager", "admin")


def _require_importer() -> None:
    if not current_user.has_role(*IMPORTERS):
        raise PermissionDeniedError("only editors, department managers and admins import contracts")


def _batch(batch_id: int) -> ImportBatch:
    batch = imports.get_batch(db.session, batch_id)
    imports.require_owner(batch, current_actor())
    return batch


@bp.get("/")
@login_required
def index() -> str:
    _require_importer()
    recent = db.session.scalars(
        select(ImportBatch)
        .where(ImportBatch.created_by_id == current_user.id)
        .order_by(ImportBatch.id.desc())
        .limit(20)
    ).all()
    return render_template("imports/index.html", batches=recent, columns=imports.COLUMNS)


@bp.post("/")
@login_required
def upload() -> tuple[str, int] | Response:
    _require_importer()
    allow_large_body()
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
        flash(exc.message, "error")
        return render_template("imports/index.html", batches=[], columns=imports.COLUMNS), 422
    return redirect(url_for("imports.show", batch_id=batch.id))


@bp.get("/<int:batch_id>")
@login_required
def show(batch_id: int) -> str:
    return render_template("imports/batch.html", batch=_batch(batch_id))


@bp.post("/<int:batch_id>/start")
@login_required
def start(batch_id: int) -> Response:
    try:
        imports.start_import(db.session, batch_id, current_actor())
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
    return render_template("imports/_progress.html", batch=_batch(batch_id))
