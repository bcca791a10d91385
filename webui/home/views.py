"""Home and admin overview pages: each asks one service function and renders."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from contracts.inbox import home
from contracts.process_admin import overview as admin_overview
from webui.auth import current_actor
from webui.extensions import db
from webui.home import bp


@bp.get("/home")
@login_required
def index() -> str:
    page = home.home_for(db.session, current_actor())
    return render_template("home/index.html", home=page)


@bp.get("/admin", strict_slashes=False)
@login_required
def admin() -> str:
    overview = admin_overview.admin_overview(db.session, current_actor())
    return render_template("home/admin.html", overview=overview)
