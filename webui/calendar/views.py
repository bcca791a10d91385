"""Expiring-soon page, calendar URL rotation and the per-user .ics feed."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from contracts.identity.models import Department
from contracts.lifecycle import calendar as expiring
from contracts.lifecycle.icalendar import calendar_feed
from contracts.lifecycle.service import activate_contract
from engine import clock
from engine.errors import EngineError
from webui.api.params import QueryReader
from webui.auth import current_actor
from webui.calendar import bp, lifecycle_settings
from webui.extensions import db
from webui.wiring import engine_environment


@bp.get("/contracts/expiring")
@login_required
def expiring_page() -> str:
    read = QueryReader()
    days = read.integer("days", 30, 1, 366)
    department = read.text("department")
    read.done()
    rows = expiring.expiring_contracts(
        db.session,
        current_actor(),
        days=days if days in expiring.WINDOWS else 30,
        department=department,
    )
    token = expiring.feed_token(current_user, current_app_secret())
    db.session.commit()
    return render_template(
        "calendar/expiring.html",
        rows=rows,
        days=days,
        windows=expiring.WINDOWS,
        department=department or "",
        departments=db.session.scalars(db.select(Department).order_by(Department.code)).all(),
        feed_url=url_for("calendar.feed", token=token, _external=True),
    )


@bp.post("/calendar/rotate")
@login_required
def rotate_feed() -> BaseResponse:
    expiring.rotate_feed_token(current_user, current_app_secret())
    db.session.commit()
    flash(_("Your calendar address was replaced; the old one no longer works."), "success")
    return redirect(url_for("calendar.expiring_page"))


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    user = expiring.user_for_token(db.session, token, current_app_secret())
    if user is None:
        abort(404)
    body = calendar_feed(
        expiring.feed_contracts(db.session, user), now=clock.now(), base_url=request.host_url
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.post("/contracts/<int:contract_id>/activate")
@login_required
def activate(contract_id: int) -> BaseResponse:
    try:
        activate_contract(
            db.session, contract_id, current_actor(), lifecycle_settings(), engine_environment()
        )
        db.session.commit()
        flash(_("Marked signed: the contract is active and its expiry is watched."), "success")
    except EngineError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("contracts.detail", contract_id=contract_id))


def current_app_secret() -> str:
    return str(current_app.config["SECRET_KEY"])
