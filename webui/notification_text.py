"""The bell in the reader's language.

A notification row keeps the English sentence it was written with (the process step
that wrote it knows no reader). The shipped sentences are recognised here and told
again in the reader's language, with the task's name translated too; a sentence we
do not know (a message from a BPMN model, say) is shown as written.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import get_locale, gettext

from contracts.core import dates
from webui.labels import N_, label

KIND_LABELS = {
    "task_ready": N_("New task"),
    "task_delegated": N_("Delegated to you"),
    "task_reminder": N_("Reminder"),
    "task_escalated": N_("Escalated"),
    "expiry_reminder": N_("Contract expiring"),
    "integration_reminder": N_("Waiting for another system"),
}

_NAME = r"'(?P<name>[^']*)'"
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"New task {_NAME}: (?P<about>.*)", re.S), N_("New task “%(name)s”: %(about)s")),
    (
        re.compile(rf"(?P<by>\S+) delegated {_NAME} to you: (?P<about>.*)", re.S),
        N_("%(by)s delegated “%(name)s” to you: %(about)s"),
    ),
    (
        re.compile(rf"Reminder: {_NAME} for (?P<key>\S+) is waiting for you\."),
        N_("Reminder: “%(name)s” for %(key)s is waiting for you."),
    ),
    (
        re.compile(rf"Escalated to you: {_NAME} for (?P<key>\S+) is overdue\."),
        N_("Escalated to you: “%(name)s” for %(key)s is overdue."),
    ),
    (
        re.compile(
            r"Contract (?P<number>\S+) \((?P<title>.*)\) expires on (?P<date>[\w ,-]+?)\. "
            r"It renews automatically unless you decide otherwise\. "
            r"Please record your renewal decision\.",
            re.S,
        ),
        N_(
            "Contract %(number)s (%(title)s) expires on %(date)s. It renews automatically "
            "unless you decide otherwise. Please record your renewal decision."
        ),
    ),
    (
        re.compile(
            r"Contract (?P<number>\S+) \((?P<title>.*)\) expires on (?P<date>[\w ,-]+?)\. "
            r"It expires unless you renew it\. Please record your renewal decision\.",
            re.S,
        ),
        N_(
            "Contract %(number)s (%(title)s) expires on %(date)s. It expires unless you "
            "renew it. Please record your renewal decision."
        ),
    ),
]


def notification_kind(kind: Any) -> str:
    """Name a notification's kind for the reader."""
    text = KIND_LABELS.get(str(kind))
    return gettext(text) if text else str(kind).replace("_", " ")


def notification_text(message: Any) -> str:
    """Tell a stored notification sentence in the reader's language."""
    text = str(message)
    if str(get_locale() or "en") == "en":
        return text
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            values = found.groupdict()
            if "name" in values:
                values["name"] = label(values["name"])
            if "date" in values:
                values["date"] = _local_day(values["date"])
            return gettext(template, **values)
    return text


def _local_day(text: str) -> str:
    """A date written in English ("Dec 31, 2027") or ISO, retold for the reader's locale."""
    day: date | None = None
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%b %d, %Y").date()):
        try:
            day = parse(text)
            break
        except ValueError:
            continue
    return dates.format_day(day, str(get_locale() or "en")) if day else text


def install(app: Flask) -> None:
    """Offer `|notification_kind` and `|notification_text` to the page templates."""
    app.add_template_filter(notification_kind, "notification_kind")
    app.add_template_filter(notification_text, "notification_text")
