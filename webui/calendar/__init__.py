"""HTML pages: contracts expiring soon, and each user's iCalendar feed of expiry dates."""

from __future__ import annotations

import os

from flask import Blueprint, current_app

from contracts.lifecycle.dates import DEFAULT_REMINDER_OFFSETS, parse_offsets
from contracts.lifecycle.service import LifecycleSettings
from webui.wiring import activation_listeners

bp = Blueprint("calendar", __name__)


def lifecycle_settings() -> LifecycleSettings:
    """Reminder offsets from EXPIRY_REMINDER_OFFSETS / CONTRACTFLOW_REMINDER_OFFSETS ('30,7,1')."""
    text = current_app.config.get("EXPIRY_REMINDER_OFFSETS") or os.environ.get(
        "CONTRACTFLOW_REMINDER_OFFSETS"
    )
    return LifecycleSettings(
        parse_offsets(text) if text else DEFAULT_REMINDER_OFFSETS,
        on_activated=activation_listeners(),
    )


from webui.calendar import views  # noqa: E402,F401
