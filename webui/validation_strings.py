"""The short field messages the contract services write, marked for the zh catalog.

`contracts.contract_input` describes a bad field in English ("is required"); the
page shows it under the field's label and the API in `details`. `say_field_message`
tells it in the reader's language: exactly, or by a pattern for the few that carry a
value. A message not listed here is shown as written.
"""

from __future__ import annotations

import re

from flask_babel import gettext

from webui.labels import N_

EXACT = (
    N_("is required"),
    N_("is too large"),
    N_("must be a 3-letter ISO 4217 code"),
    N_("must be a department code"),
    N_("must be a finite number"),
    N_("must be a list of strings"),
    N_("must be a string"),
    N_("must be a whole number of days"),
    N_("must be an object"),
    N_("must be between 0 and 3650"),
    N_("must be true or false"),
    N_("must contain a visible character"),
    N_("must have at most 2 decimal places"),
    N_("must not be before effective_date"),
    N_("must not be empty"),
    N_("must not be negative"),
    N_("unknown or read-only field"),
    N_("each tag must be at most 60 characters"),
    N_('must be a decimal number, e.g. "2000000.00"'),
    N_('must be an ISO date, e.g. "2027-06-30"'),
)
PATTERNS = (
    (
        re.compile(r"must be at most (?P<limit>\d+) characters"),
        N_("must be at most %(limit)s characters"),
    ),
    (
        re.compile(r"unknown contract type '(?P<value>.*)' \(known: (?P<known>.*)\)", re.S),
        N_("unknown contract type “%(value)s” (known: %(known)s)"),
    ),
    (
        re.compile(r"unknown department '(?P<value>.*)' \(known: (?P<known>.*)\)", re.S),
        N_("unknown department “%(value)s” (known: %(known)s)"),
    ),
)
_EXACT = frozenset(EXACT)


def say_field_message(message: str) -> str:
    """A service's short field message in the reader's language (as written if unknown)."""
    if message in _EXACT:
        return gettext(message)
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return gettext(template, **found.groupdict())
    return message
