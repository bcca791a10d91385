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


def check_timer_literal(kind: str, text: str) -> None:
    """Raise ValueError unless `text` is a valid ISO 8601 duration, date or cycle.

    `kind` is the BPMN element: timeDuration, timeDate or timeCycle.
    """
    try:
        if kind == "timeDate":
            TimerEventDefinition.get_datetime(text)
        elif kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(text)
        else:
            TimerEventDefinition.parse_iso_duration(text)
    except Exception as exc:
        examples = {"timeDate": "2027-01-31T09:00:00+08:00", "timeCycle": "R3/PT1H"}
        raise ValueError(
            f"'{text}' is not an ISO 8601 {kind[4:].lower()} (e.g. {examples.get(kind, 'P3D')})"
        ) from exc
