"""Turn an upload request (multipart `file` or a raw body) into an `Upload`, streamed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from flask import request

from contracts.documents import service
from contracts.documents.ingest import Upload, check_declared_length
from contracts.documents.models import DocumentVersion
from contracts.errors import ValidationError
from webui.auth import current_actor
from webui.documents.settings import MULTIPART_OVERHEAD, allow_large_body, document_settings
from webui.extensions import db

UPLOAD_ENDPOINTS = {
    "documents.documents_api.upload_document",
    "documents.documents_api.upload_version",
    "documents.upload",
    "documents.upload_version",
}


@dataclass(frozen=True)
class UploadForm:
    upload: Upload
    title: str | None
    note: str


def prepare_upload_request(endpoint: str | None, values: object) -> None:
    """Before anything reads the body: refuse by Content-Length, then lift the 2 MB limit."""
    if endpoint not in UPLOAD_ENDPOINTS or request.method != "POST":
        return
    settings = document_settings()
    length = request.content_length
    if request.mimetype == "multipart/form-data" and length is not None:
        length = max(0, length - MULTIPART_OVERHEAD)
    check_declared_length(length, settings)
    allow_large_body()


def read_upload() -> UploadForm:
    """Read the file part of the request without loading it into memory."""
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None or not file.filename:
            raise ValidationError({"file": ["choose a file to upload"]})
        return UploadForm(
            Upload(file.stream, file.filename),
            request.form.get("title") or None,
            request.form.get("note", ""),
        )
    filename = unquote(request.headers.get("X-Filename", "")).strip()
    if not filename:
        raise ValidationError({"X-Filename": ["send the file name in the X-Filename header"]})
    return UploadForm(
        Upload(request.stream, filename, request.content_length),
        request.args.get("title") or None,
        request.args.get("note", ""),
    )


def store_new_document(contract_id: int) -> DocumentVersion:
    """Store the request's file as a new document of the contract; its first version."""
    form = read_upload()
    return service.upload_document(
        db.session,
        contract_id,
        form.upload,
        current_actor(),
        document_settings(),
        title=form.title,
        note=form.note,
    )


def store_new_version(document_id: int) -> DocumentVersion:
    """Store the request's file as the document's next version."""
    form = read_upload()
    return service.add_version(
        db.session, document_id, form.upload, current_actor(), document_settings(), note=form.note
    )


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the RFC 5987 UTF-8 name."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
