"""A refused upload from the contract page: the page again, the reason next to its form.

The API answers 413/415/422 with its JSON error; a person who chose the wrong file on the
contract page gets the same page back, with a sentence in their language beside the upload
form, and the same status code.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from jinja2.filters import do_filesizeformat

from contracts.documents import extraction
from contracts.documents.errors import (
    DocumentTooLargeError,
    UnreadableDocumentError,
    UnsupportedDocumentTypeError,
)
from contracts.documents.models import Document
from contracts.errors import ValidationError
from engine.errors import EngineError
from webui.extensions import db

UPLOAD_PAGES = ("documents.upload", "documents.upload_version")
REFUSED = (
    DocumentTooLargeError,
    UnsupportedDocumentTypeError,
    UnreadableDocumentError,
    ValidationError,
)


def status_of(error: EngineError) -> int:
    if isinstance(error, DocumentTooLargeError):
        return 413
    if isinstance(error, UnsupportedDocumentTypeError):
        return 415
    return 422


def kinds(allowed: list[str]) -> str:
    """The accepted kinds of file, read as a list: "PDF, Word document or image"."""
    names = {
        extraction.PDF: _("PDF"),
        extraction.DOCX: _("Word document"),
        extraction.TEXT: _("text file"),
        extraction.PNG: _("image"),
        extraction.JPEG: _("image"),
    }
    shown = list(dict.fromkeys(names.get(mime, mime) for mime in allowed))
    if len(shown) < 2:
        return "".join(shown)
    return _("%(items)s or %(last)s", items=_(", ").join(shown[:-1]), last=shown[-1])


def upload_message(error: EngineError) -> str:
    """Why the upload was refused, as a sentence in the user's language."""
    details = error.details if isinstance(error.details, dict) else {}
    if isinstance(error, UnsupportedDocumentTypeError):
        return _(
            "This file is not a %(kinds)s (it looks like %(type)s).",
            kinds=kinds(list(details.get("allowed") or extraction.DEFAULT_ALLOWED)),
            type=details.get("detected_type", "?"),
        )
    if isinstance(error, DocumentTooLargeError):
        limit = do_filesizeformat(details.get("limit", 0))
        return _("This file is larger than the limit of %(limit)s.", limit=limit)
    if isinstance(error, UnreadableDocumentError):
        return _("This file could not be read: it may be empty, damaged or encrypted.")
    return _("Choose a file to upload.")


def refused_upload_page(error: EngineError) -> tuple[str, int] | None:
    """The contract page with the refusal by its upload form (None: not a page upload)."""
    from webui.contracts.views import render_detail
    from webui.errors import wants_json

    if request.endpoint not in UPLOAD_PAGES or wants_json() or not isinstance(error, REFUSED):
        return None
    args = request.view_args or {}
    document_id = args.get("document_id")
    contract_id = args.get("contract_id")
    if document_id is not None:
        document = db.session.get(Document, document_id)
        if document is None:
            return None
        contract_id = document.contract_id
    if contract_id is None:
        return None
    refusal = {"document": document_id, "message": upload_message(error)}
    return render_detail(contract_id, upload_error=refusal), status_of(error)
