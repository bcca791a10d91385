"""API shapes of signing in for a bearer token."""

from __future__ import annotations

from pydantic import Field

from webui.api.shapes import Shape, Timestamp


class TokenRequest(Shape):
    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


# Absent, not a string or empty: the API has always said "is required" for each.
TOKEN_REQUEST_MESSAGES = {
    kind: "is required" for kind in ("missing", "string_type", "string_too_short")
}


class Token(Shape):
    token: str
    expires_at: Timestamp
