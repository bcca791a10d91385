"""Rules every piece of text input follows, whichever route or form it came through.

A NUL or an unpaired UTF-16 surrogate is never legitimate text: databases refuse or
mangle them and encoders fail on them, so they are refused wherever input arrives.
A name (a title, a counterparty, a type's name) must show something: a value made only
of format characters (bidi overrides, zero-width spaces, BOMs), controls and separators
looks empty to every reader.
"""

from __future__ import annotations

import re
import unicodedata

FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
INVISIBLE_CATEGORIES = ("Cf", "Cc", "Zs", "Zl", "Zp")
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 18  # every int64 id or count fits

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def has_forbidden_characters(value: str) -> bool:
    """True when text holds a NUL or a lone surrogate."""
    return FORBIDDEN_CHARACTERS.search(value) is not None


def has_visible_character(value: str) -> bool:
    """True when text holds at least one character a reader can see."""
    return any(unicodedata.category(char) not in INVISIBLE_CATEGORIES for char in value)


def whole_number(text: str, max_digits: int = MAX_NUMBER_DIGITS) -> int | None:
    """Parse a typed whole number ("-12" too); None for anything else.

    Only ASCII digits count (`isdigit` also takes "²" and "৩", which `int()` refuses), and
    a number longer than any sane value is not parsed: `int()` fails past 4,300 digits.
    """
    digits = text.removeprefix("-")
    if digits.isascii() and digits.isdigit() and len(digits) <= max_digits:
        return int(text)
    return None


def json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Tell from the raw bytes whether arrays/objects nest deeper than `limit`.

    Runs before the parser (whose recursion a deep document would exhaust), in one
    pass without recursion: strings are cut out first so brackets inside them do not
    count; malformed input is left for the parser to refuse.
    """
    depth = 0
    for byte in _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def display_name(key: str) -> str:
    """A field name safe to echo back in an error (bad characters written as escapes)."""
    if not has_forbidden_characters(key) and key.isprintable():
        return key
    return key.encode("unicode_escape").decode("ascii")
