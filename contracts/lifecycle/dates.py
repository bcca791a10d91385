"""The moments of a contract's life: notice start, reminders, expiry, and renewal terms.

All moments are midnight UTC of a calendar day. A contract is in force through
its `expiry_date`; it expires at the start of the next day. The notice window
opens `notice_days` before the expiry date; reminders go out then and again
`offset` days before the expiry date for each configured offset.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

DEFAULT_REMINDER_OFFSETS = (30, 7, 1)
DEFAULT_RENEWAL_TERM = "P1Y"


@dataclass(frozen=True)
class LifecycleDates:
    notice_at: datetime
    reminders: tuple[datetime, ...]
    expires_at: datetime

    def as_data(self) -> dict[str, object]:
        """Return the dates as ISO strings for the process data (timer expressions read them)."""
        return {
            "notice_at": self.notice_at.isoformat(),
            "reminders": [r.isoformat() for r in self.reminders],
            "expires_at": self.expires_at.isoformat(),
        }


def midnight(day: date) -> datetime:
    """Return the start of a day in UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def lifecycle_dates(
    expiry_date: date, notice_days: int, offsets: Sequence[int] = DEFAULT_REMINDER_OFFSETS
) -> LifecycleDates:
    """Compute the notice start, the reminders after it (earliest first) and the expiry."""
    notice_at = midnight(expiry_date - timedelta(days=notice_days))
    reminders = sorted(
        {midnight(expiry_date - timedelta(days=d)) for d in offsets if d >= 0} - {notice_at}
    )
    return LifecycleDates(
        notice_at=notice_at,
        reminders=tuple(r for r in reminders if r > notice_at),
        expires_at=midnight(expiry_date + timedelta(days=1)),
    )


def parse_term(term: str) -> dict[str, float]:
    """Parse an ISO 8601 duration (P1Y, P6M, P90D) into its parts; ValueError when invalid."""
    try:
        parts = TimerEventDefinition.parse_iso_duration(term)
    except Exception as exc:
        raise ValueError(f"'{term}' is not an ISO 8601 duration (e.g. P1Y, P6M, P90D)") from exc
    if not any(parts.values()):
        raise ValueError(f"'{term}' is an empty duration")
    return dict(parts)


def add_term(day: date, term: str) -> date:
    """Return `day` plus a renewal term; months and years keep the day of month when it exists."""
    parts = parse_term(term)
    months = int(parts.get("years", 0)) * 12 + int(parts.get("months", 0))
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    moved = day.replace(year=year, month=month, day=min(day.day, _days_in(year, month)))
    return moved + timedelta(
        weeks=parts.get("weeks", 0),
        days=parts.get("days", 0),
        hours=parts.get("hours", 0),
        minutes=parts.get("minutes", 0),
        seconds=parts.get("seconds", 0),
    )


def parse_offsets(text: str) -> tuple[int, ...]:
    """Read reminder offsets such as '30,7,1' (days before expiry)."""
    try:
        offsets = tuple(
            sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)
        )
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a comma-separated list of days") from exc
    if any(o < 0 for o in offsets):
        raise ValueError("reminder offsets are days before expiry and cannot be negative")
    return offsets


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
