"""ISO 8601 durations, read the way SpiffWorkflow's timers read them."""

from __future__ import annotations

from datetime import timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition


def parse_duration(text: str) -> timedelta:
    """Return the timedelta of an ISO 8601 duration such as 'P3D' or 'PT4H'."""
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text)
        return TimerEventDefinition.get_timedelta_from_start(parsed)
    except Exception as exc:
        raise ValueError(f"'{text}' is not an ISO 8601 duration (e.g. P3D, PT4H)") from exc
