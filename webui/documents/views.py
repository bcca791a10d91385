"""Document pages: upload, versions, download, restore, compare; the body editor."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.core import freeze
from contracts.core.text_input import whole_number
from contracts.documents import bodies, diff, service
from contracts.documents.errors import BodyMergeConflictError
from contracts.errors import ValidationError
from contracts.identity import access
from engine.errors import EngineError
from webui.auth import current_actor
from webui.documents import bp
from webui.documents.api import compare_args, download_response
from webui.documents.upload_errors import REFUSED, refused_upload_page
from webui.documents.uploads import (
    content_disposition,
    prepare_upload_request,
    store_new_document,
    store_new_version,
)
from webui.extensions import db

bp.url_value_preprocessor(prepare_upload_request)


@bp.record_once
def _install_helpers(state) -> None:  # type: ignore[no-untyped-def]
    state.app.add_template_global(contract_documents)


def contract_documents(contract_id: int) -> dict[str, Any]:
    """The documents section's data for the contract detail page."""
    actor = current_actor()
    contract = service.visible_contract(db.session, contract_id, actor)
    frozen = freeze.freeze_of(contract)
    return {
        # Part of the contract page, whose "contract.view" entry covers it.
        "items": service.list_documents(db.session, contract_id, actor, audit_read=False),
        "may_edit": frozen == freeze.Freeze.OPEN and access.may_edit(current_user, contract),
    }


def _refused(error: EngineError) -> tuple[str, int]:
    """The contract page again, the reason by the upload form; else the usual error."""
    db.session.rollback()
    page = refused_upload_page(error)
    if page is None:
        raise error
    return page


def _back(contract_id: int) -> Response:
    return redirect(url_for("contracts.detail", contract_id=contract_id) + "#documents")


@bp.post("/contracts/<int:contract_id>/documents")
@login_required
def upload(contract_id: int) -> Response | tuple[str, int]:
    try:
        version = store_new_document(contract_id)
    except REFUSED as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Uploaded %(title)s.", title=version.document.title), "success")
    return _back(contract_id)


@bp.post("/documents/<int:document_id>/versions")
@login_required
def upload_version(document_id: int) -> Response | tuple[str, int]:
    try:
        version = store_new_version(document_id)
    except REFUSED as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Version %(number)s uploaded.", number=version.number), "success")
    return _back(version.document.contract_id)


@bp.get("/documents/<int:document_id>/versions/<int:number>/download")
@login_required
def download(document_id: int, number: int) -> Response:
    return download_response(document_id, number)


@bp.post("/documents/<int:document_id>/versions/<int:number>/restore")
@login_required
def restore(document_id: int, number: int) -> Response:
    from webui.documents.settings import document_settings

    version = service.restore_version(
        db.session, document_id, number, current_actor(), document_settings()
    )
    db.session.commit()
    flash(
        _("Version %(old)s restored as version %(new)s.", old=number, new=version.number), "success"
    )
    return _back(version.document.contract_id)


@bp.get("/documents/<int:document_id>/compare")
@login_required
def compare(document_id: int) -> str:
    a, b = compare_args()
    comparison = service.compare(db.session, document_id, a, b, current_actor())
    db.session.commit()  # the read is audited
    left, right = diff.side_by_side(comparison.ops)
    return render_template(
        "documents/compare.html",
        c=comparison,
        left=left,
        right=right,
        counts=diff.stats(comparison.ops),
    )


@bp.get("/documents/<int:document_id>/compare/report")
@login_required
def compare_report(document_id: int) -> Response:
    a, b = compare_args()
    comparison = service.compare(db.session, document_id, a, b, current_actor())
    db.session.commit()  # the read is audited
    left, right = diff.side_by_side(comparison.ops)
    html = render_template(
        "documents/report.html",
        c=comparison,
        left=left,
        right=right,
        counts=diff.stats(comparison.ops),
    )
    response = Response(html, mimetype="text/html")
    name = f"{comparison.document.title}-v{a}-v{b}-compare.html"
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


@bp.get("/contracts/<int:contract_id>/body")
@login_required
def body(contract_id: int) -> str:
    actor = current_actor()
    current = bodies.get_body(db.session, contract_id, actor)
    contract = service.visible_contract(db.session, contract_id, actor)
    db.session.commit()  # the read is audited
    return render_template(
        "documents/body.html",
        contract=contract,
        freeze=freeze.freeze_of(contract),
        text=current.text if current else "",
        base_version=current.version if current else "",
        current=current,
        conflict=None,
    )


@bp.post("/contracts/<int:contract_id>/body")
@login_required
def save_body(contract_id: int) -> tuple[str, int] | Response:
    actor = current_actor()
    raw_base = request.form.get("base_version", "").strip()
    base = whole_number(raw_base) if not raw_base.startswith("-") else None
    text = request.form.get("text", "")
    try:
        saved = bodies.save_body(db.session, contract_id, text, base, actor)
    except (BodyMergeConflictError, ValidationError) as exc:
        db.session.rollback()
        current = bodies.get_body(db.session, contract_id, actor)
        contract = service.visible_contract(db.session, contract_id, actor)
        conflict = exc.details if isinstance(exc, BodyMergeConflictError) else None
        html = render_template(
            "documents/body.html",
            contract=contract,
            freeze=freeze.freeze_of(contract),
            text=conflict["marked_text"] if conflict else text,
            base_version=current.version if current else "",
            current=current,
            conflict=conflict,
            errors=None if conflict else exc.details,
        )
        return html, 409 if conflict else 422
    db.session.commit()
    if base is not None and saved.version != base + 1:
        flash(_("Your edit was merged with the newer version."), "info")
    else:
        flash(_("Body saved as version %(version)s.", version=saved.version), "success")
    return redirect(url_for("documents.body", contract_id=contract_id))
