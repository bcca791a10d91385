"""Documents and draft bodies: HTML pages and the /api/v1 endpoints."""

from __future__ import annotations

import logging

from flask import Blueprint, Response

from contracts.documents.errors import (
    DocumentIntegrityError,
    DocumentTooLargeError,
    UnsupportedDocumentTypeError,
)

log = logging.getLogger(__name__)

bp = Blueprint("documents", __name__)
api_bp = Blueprint("documents_api", __name__, url_prefix="/api/v1")


@bp.app_errorhandler(DocumentTooLargeError)
def _too_large(error: DocumentTooLargeError) -> Response | tuple[str, int]:
    return _refused(413, error)


@bp.app_errorhandler(UnsupportedDocumentTypeError)
def _unsupported(error: UnsupportedDocumentTypeError) -> Response | tuple[str, int]:
    return _refused(415, error)


@bp.app_errorhandler(DocumentIntegrityError)
def _damaged(error: DocumentIntegrityError) -> Response:
    """A stored file failed authentication: log it as a security event, answer as any error.

    What is audited is decided by the documents package (the error's AuditNote); the
    shared handler rolls back, records that note and renders the answer (500).
    """
    from webui.auth import current_actor
    from webui.errors import engine_error_response

    actor = current_actor()
    log.error(
        "SECURITY document integrity failure: %s (user %s, ip %s)",
        error.message,
        actor.username,
        actor.ip,
    )
    return engine_error_response(error)


def _refused(
    status: int, error: DocumentTooLargeError | UnsupportedDocumentTypeError
) -> Response | tuple[str, int]:
    from engine.errors import EngineError
    from webui.documents.upload_errors import refused_upload_page
    from webui.errors import error_response
    from webui.extensions import db

    db.session.rollback()
    try:
        page = refused_upload_page(error)  # refused by its size before the view ran
    except EngineError:
        page = None  # the contract is not one to show: answer as the API does
    if page is not None:
        return page
    return error_response(status, error.code, error.message, error.details)


from webui.documents import api, tasks, views  # noqa: E402,F401

bp.register_blueprint(api_bp)
