"""Documents, versions, compare and draft bodies under /api/v1."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_login import login_required

from contracts.documents import bodies, service
from webui.api.params import QueryReader
from webui.api.spec import json_object, operation, refusals
from webui.auth import current_actor
from webui.documents import api_bp, shapes
from webui.documents.settings import document_settings
from webui.documents.shapes import (
    body_json,
    comparison_json,
    document_json,
    version_json,
)
from webui.documents.uploads import (
    content_disposition,
    prepare_upload_request,
    store_new_document,
    store_new_version,
)
from webui.extensions import db

api_bp.url_value_preprocessor(prepare_upload_request)

_UPLOAD_ERRORS = refusals(401, 403, 404, 413, 415, 422)


@operation(
    api_bp,
    "/contracts/<int:contract_id>/documents",
    "POST",
    summary="Upload a new document (multipart `file`, `title`, `note`; or a raw body "
    "with Content-Type and X-Filename)",
    tags=["documents"],
    responses={201: shapes.Document, **_UPLOAD_ERRORS},
)
@login_required
def upload_document(contract_id: int) -> tuple[dict[str, Any], int]:
    version = store_new_document(contract_id)
    db.session.commit()
    return document_json(version.document), 201


@operation(
    api_bp,
    "/contracts/<int:contract_id>/documents",
    "GET",
    summary="The documents of a contract with their versions",
    tags=["documents"],
    responses={200: shapes.DocumentList, 401: None, 404: None},
)
@login_required
def list_documents(contract_id: int) -> dict[str, Any]:
    documents = service.list_documents(db.session, contract_id, current_actor())
    db.session.commit()  # the read is audited
    return shapes.DocumentList.render({"items": [document_json(d) for d in documents]})


@operation(
    api_bp,
    "/documents/<int:document_id>/versions",
    "POST",
    summary="Upload a new version of a document",
    tags=["documents"],
    responses={201: shapes.DocumentVersion, **_UPLOAD_ERRORS},
)
@login_required
def upload_version(document_id: int) -> tuple[dict[str, Any], int]:
    version = store_new_version(document_id)
    db.session.commit()
    return version_json(version), 201


@operation(
    api_bp,
    "/documents/<int:document_id>/versions",
    "GET",
    summary="Every version of a document, oldest first",
    tags=["documents"],
    responses={200: shapes.DocumentVersionList, 401: None, 404: None},
)
@login_required
def list_versions(document_id: int) -> dict[str, Any]:
    document = service.read_document(db.session, document_id, current_actor())
    db.session.commit()  # the read is audited
    versions = [version_json(v) for v in document.versions]
    return shapes.DocumentVersionList.render({"items": versions})


@operation(
    api_bp,
    "/documents/<int:document_id>/versions/<int:number>/download",
    "GET",
    summary="Download one version, decrypted (streamed); 500 `document_integrity` when the "
    "stored file was altered or damaged (nothing is served)",
    tags=["documents"],
    responses={200: None, 401: None, 404: None},
)
@login_required
def download_version(document_id: int, number: int) -> Response:
    return download_response(document_id, number)


def download_response(document_id: int, number: int) -> Response:
    """Stream a verified version with its type, name and length."""
    download = service.open_download(
        db.session, document_id, number, current_actor(), document_settings()
    )
    db.session.commit()
    version = download.version
    response = Response(download.chunks, mimetype=version.mime_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(version.size)
    response.headers["Content-Disposition"] = content_disposition(version.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@operation(
    api_bp,
    "/documents/<int:document_id>/versions/<int:number>/restore",
    "POST",
    summary="Restore an old version as the newest version",
    tags=["documents"],
    responses={201: shapes.DocumentVersion, 401: None, 403: None, 404: None},
)
@login_required
def restore_version(document_id: int, number: int) -> tuple[dict[str, Any], int]:
    note = ""
    if request.is_json:
        note = str(json_object().get("note") or "")
    version = service.restore_version(
        db.session, document_id, number, current_actor(), document_settings(), note=note
    )
    db.session.commit()
    return version_json(version), 201


@operation(
    api_bp,
    "/documents/<int:document_id>/compare",
    "GET",
    summary="Compare the text of versions a and b (word level; Chinese per character)",
    tags=["documents"],
    params=[
        {"name": "a", "in": "query", "required": True, "schema": {"type": "integer"}},
        {"name": "b", "in": "query", "required": True, "schema": {"type": "integer"}},
    ],
    responses={200: shapes.Comparison, 401: None, 404: None, 422: None},
)
@login_required
def compare_versions(document_id: int) -> dict[str, Any]:
    a, b = compare_args()
    comparison = service.compare(db.session, document_id, a, b, current_actor())
    db.session.commit()  # the read is audited
    return comparison_json(document_id, a, b, comparison.ops)


def compare_args() -> tuple[int, int]:
    read = QueryReader()
    a = read.integer("a", 0, 1, 1_000_000)
    b = read.integer("b", 0, 1, 1_000_000)
    if not a or not b:
        read.errors.setdefault("a" if not a else "b", []).append("give two version numbers")
    read.done()
    return a, b


@operation(
    api_bp,
    "/contracts/<int:contract_id>/body",
    "GET",
    summary="The contract's structured draft body",
    tags=["documents"],
    responses={200: shapes.DraftBody, 401: None, 404: None},
)
@login_required
def get_body(contract_id: int) -> dict[str, Any]:
    body = bodies.get_body(db.session, contract_id, current_actor())
    db.session.commit()  # the read is audited
    return body_json(contract_id, body)


@operation(
    api_bp,
    "/contracts/<int:contract_id>/body",
    "PUT",
    summary="Save the body; an edit of an older version is merged three-way or answered 409",
    tags=["documents"],
    body=shapes.DraftBodyInput,
    responses={200: shapes.DraftBody, **refusals(401, 403, 404, 409, 415, 422)},
)
@login_required
def put_body(contract_id: int) -> dict[str, Any]:
    data = json_object()
    base = data.get("base_version")
    if base is not None and (not isinstance(base, int) or isinstance(base, bool)):
        from contracts.errors import ValidationError

        raise ValidationError({"base_version": ["must be a whole number or null"]})
    body = bodies.save_body(db.session, contract_id, data.get("text"), base, current_actor())
    db.session.commit()
    merged = base is not None and body.version != base + 1
    return body_json(contract_id, body, merged=merged)
