"""The bell: the signed-in user's notifications, marking them read; the language switch."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.errors import ValidationError
from contracts.identity import profile
from contracts.notifications import service as notifications
from webui.auth import current_actor
from webui.extensions import db
from webui.i18n import SUPPORTED_LOCALES
from webui.inbox import bp
from webui.redirects import safe_next


def _safe_next(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@bp.get("/notifications")
@login_required
def notifications_page() -> str:
    items = notifications.list_notifications(db.session, current_user.id)
    return render_template("inbox/notifications.html", items=items)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> Response:
    notifications.mark_read(db.session, current_user.id, notification_id)
    db.session.commit()
    return redirect(_safe_next(url_for("inbox.notifications_page")))


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> Response:
    notifications.mark_read(db.session, current_user.id)
    db.session.commit()
    return redirect(_safe_next(url_for("inbox.notifications_page")))


@bp.post("/language")
@login_required
def set_language() -> Response:
    locale = request.form.get("locale", "")
    if locale not in SUPPORTED_LOCALES:
        raise ValidationError({"locale": [_("must be one of: %(codes)s", codes="en, zh")]})
    profile.set_locale(db.session, current_actor(), locale, SUPPORTED_LOCALES)
    db.session.commit()
    return redirect(_safe_next(url_for("inbox.index")))
