from __future__ import annotations

from flask_login import login_required

from webui.inbox import bp


@bp.get("/")
@login_required
def index() -> str:
    return "inbox"
