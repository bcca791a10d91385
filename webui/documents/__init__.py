"""Documents and draft bodies: HTML pages and the /api/v1 endpoints."""

from __future__ import annotations

from flask import Blueprint, Response

from contracts.documents.errors import DocumentTooLargeError, UnsupportedDocumentTypeError

bp = Blueprint("documents", __name__)
api_bp = Blueprint("documents_api", __name__, url_prefix="/api/v1")


@bp.app_errorhandler(DocumentTooLargeError)
def _too_large(error: DocumentTooLargeError) -> Response:
    return _refused(413, error)


@bp.app_errorhandler(UnsupportedDocumentTypeError)
def _unsupported(error: UnsupportedDocumentTypeError) -> Response:
    return _refused(415, error)


def _refused(status: int, error: DocumentTooLargeError | UnsupportedDocumentTypeError) -> Response:
    from webui.errors import error_response
    from webui.extensions import db

    db.session.rollback()
    return error_response(status, error.code, error.message, error.details)


from webui.documents import api, views  # noqa: E402,F401

bp.register_blueprint(api_bp)
