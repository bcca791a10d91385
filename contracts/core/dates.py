"""One way to show a moment or a date: Babel's format for the reader's locale, in their time zone.

Timestamps are stored in UTC. People read them as Babel's medium date with its short time
("Dec 4, 2026, 9:46 PM", "2026年12月4日 21:46") in their own time zone: the one chosen in their
profile, else the installation's (passed in by the caller, default `Asia/Shanghai`). Dates are
Babel's medium date. Machine formats (ISO 8601) stay in APIs, feeds and data attributes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format

from contracts.errors import ValidationError

DEFAULT_TIME_ZONE = "Asia/Shanghai"
DATE_FORMAT: Final = "medium"
TIME_FORMAT: Final = "short"

# The zones offered first on the profile page; any IANA name is accepted.
COMMON_TIME_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)


# Files in the zone database that are not zones a person lives in.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows (links such as "PRC" included)."""
    return frozenset(available_timezones()) - _NOT_ZONES


@cache
def listed_time_zones() -> tuple[str, ...]:
    """The zones a person picks from: "Area/City" names and UTC, sorted."""
    return tuple(sorted(z for z in time_zone_names() if "/" in z and not z.startswith("Etc/")))


def parse_time_zone(name: str) -> ZoneInfo:
    """Return the zone of an IANA name, or raise ValidationError saying the name is unknown."""
    clean = name.strip()
    if clean in time_zone_names():
        try:
            return ZoneInfo(clean)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise ValidationError(
        {"time_zone": [f"'{clean[:64]}' is not a time zone; choose one such as Asia/Shanghai"]}
    )


def zone_of(name: str | None, installation: str = DEFAULT_TIME_ZONE) -> ZoneInfo:
    """The zone a person reads times in: their own if set and known, else the installation's."""
    if name:
        try:
            return parse_time_zone(name)
        except ValidationError:
            pass
    return parse_time_zone(installation)


@cache
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


def _locale(locale: str | Locale) -> Locale:
    """The Babel locale of a name, parsed once per process (each parse costs ~17 µs)."""
    return _parsed(locale) if isinstance(locale, str) else locale


def format_moment(value: datetime, locale: str | Locale, zone: ZoneInfo) -> str:
    """A timestamp as Babel's medium date and short time, for the locale, in the zone."""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    locale = _locale(locale)
    pattern = get_datetime_format(DATE_FORMAT, locale=locale)
    return (
        str(pattern)
        .replace("'", "")
        .replace("{0}", format_time(local, TIME_FORMAT, tzinfo=zone, locale=locale))
        .replace("{1}", format_date(local, DATE_FORMAT, locale=locale))
    )


def format_day(value: date, locale: str | Locale) -> str:
    """A calendar date as Babel's medium date for the locale (no zone: a date is a date)."""
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, DATE_FORMAT, locale=_locale(locale))


def moment_pattern(locale: str | Locale) -> dict[str, Any]:
    """What a client needs to write `format_moment`'s text itself: the CLDR pattern and names."""
    loc = Locale.parse(locale)
    pattern = (
        str(get_datetime_format(DATE_FORMAT, locale=loc))
        .replace("{0}", loc.time_formats[TIME_FORMAT].pattern)
        .replace("{1}", loc.date_formats[DATE_FORMAT].pattern)
    )
    months = loc.months["format"]
    periods = loc.day_periods["format"]["abbreviated"]
    return {
        "pattern": pattern,
        "months": [str(months["abbreviated"][m]) for m in range(1, 13)],
        "monthsWide": [str(months["wide"][m]) for m in range(1, 13)],
        "dayPeriods": {"am": str(periods["am"]), "pm": str(periods["pm"])},
    }
