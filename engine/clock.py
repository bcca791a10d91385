"""The one clock of the application.

Everything that asks "what time is it" calls `now()`. Tests move time with
time-machine, which also moves SpiffWorkflow's own `datetime.now` calls.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)
