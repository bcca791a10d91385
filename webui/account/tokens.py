"""Create (shown once), list and revoke API tokens with scopes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.errors import ValidationError
from contracts.identity import accounts, credentials
from webui.account import bp
from webui.auth import current_actor
from webui.extensions import db


def _render(status: int = 200, **context: object) -> tuple[str, int]:
    user = current_user._get_current_object()
    page = render_template(
        "account/tokens.html",
        tokens=accounts.list_tokens(db.session, user),
        scopes=accounts.scopes_for(user),
        errors=context.pop("errors", {}),
        new_token=context.pop("new_token", None),
        form=request.form,
    )
    return page, status


@bp.get("/tokens")
@login_required
def tokens() -> tuple[str, int]:
    return _render()


@bp.post("/tokens")
@login_required
def create_token() -> tuple[str, int]:
    try:
        days = int(request.form.get("days", "90") or 0)
    except ValueError:
        days = 0
    try:
        token, _row = credentials.create_token(
            db.session,
            current_actor(),
            name=request.form.get("name", ""),
            scopes=request.form.getlist("scopes"),
            days=days,
            password=request.form.get("password", ""),
        )
    except ValidationError as exc:
        db.session.rollback()
        return _render(422, errors=exc.details)
    db.session.commit()
    # Rendered, not redirected: the token is shown this once and never stored in clear.
    return _render(201, new_token=token)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    row = credentials.revoke_token(db.session, current_actor(), token_id)
    db.session.commit()
    flash(_("Token “%(name)s” revoked.", name=row.name), "success")
    return redirect(url_for(".tokens"))
