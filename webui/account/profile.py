"""The signed-in user's time zone: every time on the pages is shown in it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.core import dates
from contracts.errors import ValidationError
from contracts.identity import profile
from webui.account import bp
from webui.auth import current_actor
from webui.extensions import db


def _page(chosen: str, error: str | None = None) -> str:
    return render_template(
        "account/time_zone.html",
        chosen=chosen,
        error=error,
        common=dates.COMMON_TIME_ZONES,
        others=[z for z in dates.listed_time_zones() if z not in dates.COMMON_TIME_ZONES],
        installation=current_app.config["DEFAULT_TIME_ZONE"],
    )


@bp.get("/time-zone")
@login_required
def time_zone() -> str:
    return _page(current_user.time_zone or "")


@bp.post("/time-zone")
@login_required
def set_time_zone() -> Response | tuple[str, int]:
    name = request.form.get("time_zone", "")
    try:
        chosen = profile.set_time_zone(db.session, current_actor(), name)
    except ValidationError:
        db.session.rollback()
        message = _(
            "“%(name)s” is not a time zone. Choose one from the list, such as Asia/Shanghai.",
            name=name.strip()[:64],
        )
        return _page(name, message), 422
    db.session.commit()
    zone = chosen or current_app.config["DEFAULT_TIME_ZONE"]
    flash(_("Times are now shown in %(zone)s.", zone=zone), "success")
    return redirect(url_for(".time_zone"))
