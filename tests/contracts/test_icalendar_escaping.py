"""Titles with line breaks and separators stay inside their content line (RFC 5545 TEXT)."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.core.models import Contract
from contracts.lifecycle.icalendar import calendar_feed, escape_text
from engine import clock


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a\r\nb", "a\\nb"),
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\nb"),  # a lone CR ends a line for many parsers
        ("a\r\rb", "a\\n\\nb"),
        ("a\n\rb", "a\\n\\nb"),
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("a\\nb", "a\\\\nb"),  # a typed backslash-n stays two characters
        ("a\\,b;c", "a\\\\\\,b\\;c"),
        ("a\tb", "a\tb"),
        ("a\x00\x07\x1b\x7fb", "ab"),  # controls TEXT may not hold are dropped
        ("合同:ok", "合同:ok"),
    ],
)
def test_escape_text(raw, escaped):
    assert escape_text(raw) == escaped


def contract(title: str) -> Contract:
    return Contract(
        id=7,
        number="HT-2026-0001",
        title=title,
        expiry_date=date(2027, 3, 31),
        notice_days=30,
        auto_renew=False,
    )


@pytest.mark.parametrize(
    "title",
    [
        "Supply\rBEGIN:VEVENT",
        "Supply\nEND:VCALENDAR",
        "Supply\r\nATTACH:https://evil.example/x",
        "Supply\x0bX-INJECTED:1",
    ],
)
def test_a_title_cannot_break_out_of_its_line(title):
    text = calendar_feed([contract(title)], now=clock.now(), base_url="https://cf.example")

    assert "\r" not in text.replace("\r\n", "") and "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("END:VCALENDAR") == 1
    assert not any(line.startswith(("ATTACH", "X-INJECTED")) for line in lines)
    summary = next(line for line in lines if line.startswith("SUMMARY:HT-2026-0001 expires"))
    assert summary.startswith("SUMMARY:HT-2026-0001 expires: Supply")
