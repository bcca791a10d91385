"""An RFC 5545 iCalendar feed of contract expiry and notice dates (all-day events)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from contracts.core.models import Contract
from contracts.notifications.links import Links

PRODID = "-//ContractFlow//Contract expiry calendar//EN"
LINE_BREAK = re.compile(r"\r\n|\r|\n")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def calendar_feed(contracts: Iterable[Contract], *, now: datetime, base_url: str) -> str:
    """Return a VCALENDAR with one expiry and one notice event per contract (CRLF, folded)."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:ContractFlow expiry dates",
    ]
    links = Links(base_url)
    for contract in contracts:
        if contract.expiry_date is None:
            continue
        link = links.contract(contract.id)
        notice = contract.expiry_date - timedelta(days=contract.notice_days)
        lines += _event(
            uid=f"contract-{contract.id}-expiry@contractflow",
            stamp=stamp,
            day=contract.expiry_date,
            summary=f"{contract.number} expires: {contract.title}",
            description=(
                f"Contract {contract.number} ({contract.title}) is in force through this day. "
                f"Auto-renew: {'yes' if contract.auto_renew else 'no'}."
            ),
            link=link,
        )
        lines += _event(
            uid=f"contract-{contract.id}-notice@contractflow",
            stamp=stamp,
            day=notice,
            summary=f"{contract.number} notice period starts: {contract.title}",
            description=(
                f"Last day to decide on renewal or termination with {contract.notice_days} "
                f"days' notice before {contract.expiry_date.isoformat()}."
            ),
            link=link,
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(
    *, uid: str, stamp: str, day: date, summary: str, description: str, link: str
) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{link}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def escape_text(value: str) -> str:
    """Escape a TEXT value per RFC 5545 3.3.11: backslash, semicolon, comma, line breaks.

    CRLF, a lone LF and a lone CR all become the two characters `\\n`, so no line break
    of a value can end the content line; other control characters (which TEXT may not
    hold) are dropped, except the tab.
    """
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = LINE_BREAK.sub("\\\\n", value)
    return CONTROL.sub("", value)


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at 75 octets (never inside a UTF-8 character), CRLF + space."""
    data = line.encode()
    if len(data) <= limit:
        return line
    parts: list[str] = []
    start, width = 0, limit
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # continuation byte
            end -= 1
        parts.append(data[start:end].decode())
        start, width = end, limit - 1  # continuation lines start with one space
    return "\r\n ".join(parts)
