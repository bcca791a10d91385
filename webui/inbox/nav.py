"""The inbox count and the notification bell in the top navigation of every page."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from contracts.inbox import queries
from contracts.notifications import service as notifications
from webui.auth import current_actor
from webui.extensions import db
from webui.inbox import bp


def ready_task_count() -> int:
    """How many ready tasks the signed-in user may act on (0 when signed out)."""
    if not current_user.is_authenticated:
        return 0
    known = g.get("ready_task_count")
    if known is not None:  # the inbox page counted its tabs already
        return int(known)
    return queries.count_tasks(db.session, queries.TaskFilters(), current_actor())


def unread_notification_count() -> int:
    """How many unread notifications the signed-in user has (0 when signed out)."""
    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(db.session, current_user.id)


@bp.app_context_processor
def _inject_nav() -> dict[str, object]:
    # Callables, so only pages that show the navigation run the queries.
    return {
        "ready_task_count": ready_task_count,
        "unread_notification_count": unread_notification_count,
    }
