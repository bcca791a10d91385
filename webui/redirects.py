"""Where a page may send the browser next: only back to a path on our own site."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

MAX_LENGTH = 2048
# Categories a browser strips, ignores or misreads inside a URL: controls (tab,
# CR, LF, NUL), format characters (zero-width, bidi overrides) and separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
# Everything printable in ASCII stays as it is; other characters are percent-encoded.
_ASCII_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def safe_next(target: str | None, default: str) -> str:
    """Return `target` when it is a path on this site (e.g. "/contracts/7?tab=x"), else `default`.

    Refused: anything with a scheme or a host (`https:…`, `//host`, `javascript:`),
    backslashes (browsers read `/\\host` as `//host`), control, invisible and space
    characters (browsers drop a tab in `/\\t/host`), slashes and backslashes
    percent-encoded once or more, dot segments, and anything over 2 KB. Other
    non-ASCII characters are percent-encoded, so the answer is plain ASCII.
    """
    if not target or len(target) > MAX_LENGTH:
        return default
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in target):
        return default
    candidate = quote(target, safe=_ASCII_SAFE)
    # Full-width and other compatibility forms ("／", "＼") must not turn into a
    # slash on the way: the compatibility-normalised form must be local too.
    folded = quote(unicodedata.normalize("NFKC", target), safe=_ASCII_SAFE)
    return candidate if _is_local_path(candidate) and _is_local_path(folded) else default


def _is_local_path(candidate: str) -> bool:
    if not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return False
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return False
    path = parts.path
    # Decode repeatedly: a proxy or a later redirect may decode once more.
    for _ in range(4):
        lowered = path.lower()
        if "%2f" in lowered or "%5c" in lowered or "\\" in path or path.startswith("//"):
            return False
        if any(segment in (".", "..") for segment in path.split("/")):
            return False
        if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in path):
            return False
        decoded = unicodedata.normalize("NFKC", unquote(path))
        if decoded == path:
            return True
        path = decoded
    return False
