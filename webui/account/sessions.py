"""Sign out everywhere and change the password (both end the user's other sessions)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.errors import ValidationError
from contracts.identity import credentials
from webui.account import bp
from webui.auth import current_actor, end_browser_session, start_session
from webui.extensions import db


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    credentials.sign_out_everywhere(db.session, current_actor())
    db.session.commit()
    end_browser_session()
    flash(_("You are signed out on every browser, and your sign-in tokens are revoked."), "success")
    return redirect(url_for("auth.login"))


@bp.get("/password")
@login_required
def password() -> str:
    return render_template(
        "account/password.html", errors={}, min_length=credentials.MIN_PASSWORD_LENGTH
    )


@bp.post("/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    try:
        credentials.change_password(
            db.session,
            current_actor(),
            current=request.form.get("current", ""),
            new=request.form.get("new", ""),
            confirm=request.form.get("confirm", ""),
        )
    except ValidationError as exc:
        db.session.rollback()
        page = render_template(
            "account/password.html",
            errors=exc.details,
            min_length=credentials.MIN_PASSWORD_LENGTH,
        )
        return page, 422
    db.session.commit()
    start_session(current_user._get_current_object())  # this browser stays signed in
    flash(_("Password changed. Other sessions and all your API tokens are ended."), "success")
    return redirect(url_for(".tokens"))
