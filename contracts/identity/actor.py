"""Who is acting, handed to every use case by the caller (web request or job)."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.identity.models import User


@dataclass(frozen=True)
class Actor:
    user: User
    ip: str | None = None

    @property
    def username(self) -> str:
        return self.user.username
