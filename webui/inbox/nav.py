"""The inbox count in the top navigation of every page."""

from __future__ import annotations

from flask_login import current_user

from contracts import inbox
from webui.auth import current_actor
from webui.extensions import db
from webui.inbox import bp


def ready_task_count() -> int:
    """How many ready tasks the signed-in user may act on (0 when signed out)."""
    if not current_user.is_authenticated:
        return 0
    _, total = inbox.list_tasks(db.session, inbox.TaskFilters(per_page=1), current_actor())
    return total


@bp.app_context_processor
def _inject_nav() -> dict[str, object]:
    # A callable, so only pages that show the navigation run the query.
    return {"ready_task_count": ready_task_count}
