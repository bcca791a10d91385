"""One error handler: JSON `{"error": {code, message, details}}` or an HTML page.

A refused request is audited here, in one place, after its work was rolled back:
every 403, and every 404 whose error carries an `AuditNote` (a lookup that hid
another department's object) become an "access.denied" entry, committed alone.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from contracts.documents.errors import DocumentIntegrityError
from contracts.errors import AuthenticationError, LoginThrottledError
from engine.errors import (
    AuditNote,
    ConcurrentUpdateError,
    ConflictError,
    EngineError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    WorkflowStepError,
)
from webui.error_messages import translate_error
from webui.extensions import db

log = logging.getLogger(__name__)

STATUS_BY_KIND: list[tuple[type[EngineError], int]] = [
    (LoginThrottledError, 429),
    (AuthenticationError, 401),
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (DocumentIntegrityError, 500),  # a stored file altered or damaged: ours, not the client's
    (WorkflowStepError, 500),
]


def status_for(error: EngineError) -> int:
    for kind, status in STATUS_BY_KIND:
        if isinstance(error, kind):
            return status
    return 500


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    """Answer JSON or a page; the message in the reader's language, the code as it is."""
    from webui.field_messages import localize

    details = localize(details)
    message = translate_error(code, message)
    if wants_json():
        response = Response(
            response=_json({"error": {"code": code, "message": message, "details": details}}),
            status=status,
            mimetype="application/json",
        )
    else:
        html = render_template(
            "error.html", status=status, code=code, message=message, details=details
        )
        response = Response(html, status=status, mimetype="text/html")
    return response


def _json(payload: Any) -> str:
    from flask import json

    return json.dumps(payload)


DENIED = AuditNote("access.denied", reason="forbidden")


def audit_refusal(note: AuditNote, status: int, code: str, details: Any = None) -> None:
    """Record a refused request in the audit log and commit it (the request's work is gone).

    Call after the rollback. A failure to audit is logged, never turned into a 500.
    """
    from flask_login import current_user

    from contracts.audit.refusals import record_refusal
    from webui.auth import client_ip

    actor = current_user.username if current_user.is_authenticated else None
    try:
        record_refusal(
            db.session,
            note,
            actor=actor,
            ip=client_ip(),
            request=(request.method, request.path),
            status=status,
            code=code,
            details=details,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not audit a refused request (%s %s)", request.method, request.path)


def engine_error_response(error: EngineError) -> Response:
    """Roll the request back, audit the refusal its note asks for, and answer with the error."""
    db.session.rollback()
    status = status_for(error)
    if status >= 500:
        log.error("step failed: %s", error.message)
    note = error.audit or (DENIED if status == 403 else None)
    if note is not None:
        audit_refusal(note, status, error.code, error.details)
    response = error_response(status, error.code, error.message, error.details)
    if isinstance(error, LoginThrottledError):
        response.headers["Retry-After"] = str(error.details["retry_after_seconds"])
    return response


def install(app: Flask) -> None:
    app.register_error_handler(EngineError, engine_error_response)

    @app.errorhandler(StaleDataError)
    def _stale_data(error: StaleDataError) -> Response:
        # A versioned row (version_id_col) was saved by someone else between our read
        # and our flush: the same conflict as a stale edit_version, whichever path hit it.
        db.session.rollback()
        log.info("concurrent update: %s", error)
        conflict = ConcurrentUpdateError(
            "someone else saved this first; reload and apply your change again"
        )
        return error_response(409, conflict.code, conflict.message, None)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "_")
        if error.code == 400 and "CSRF" in (error.description or ""):
            code = "csrf_failed"
        if error.code == 403:
            db.session.rollback()
            audit_refusal(DENIED, 403, code)
        return error_response(error.code or 500, code, error.description or error.name, None)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        db.session.rollback()
        log.exception("unexpected error")
        return error_response(
            500, "internal_error", "something went wrong on our side; it has been logged"
        )
