"""Passwords, logins and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import AuthenticationError, LoginThrottledError
from contracts.models import ApiToken, User
from engine import clock

_HASHER = PasswordHasher()
TOKEN_TTL = timedelta(hours=12)
MAX_FAILURES = 5
FAILURE_WINDOW_S = 300.0


def hash_password(password: str) -> str:
    """Return an argon2id hash of a password."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LoginThrottle:
    """Count recent failures per (username, ip); refuse after MAX_FAILURES in the window.

    Kept per process: in the distributed mode each gunicorn worker counts on
    its own, which still bounds guessing to workers x MAX_FAILURES a window.
    """

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def check(self, username: str, ip: str) -> None:
        with self._lock:
            recent = self._recent((username.lower(), ip))
        if len(recent) >= MAX_FAILURES:
            raise LoginThrottledError(
                "too many failed logins; wait a few minutes and try again",
                details={"retry_after_seconds": int(FAILURE_WINDOW_S)},
            )

    def failed(self, username: str, ip: str) -> None:
        with self._lock:
            key = (username.lower(), ip)
            self._failures[key] = [*self._recent(key), time.monotonic()]

    def succeeded(self, username: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), ip), None)

    def _recent(self, key: tuple[str, str]) -> list[float]:
        cutoff = time.monotonic() - FAILURE_WINDOW_S
        return [t for t in self._failures.get(key, []) if t > cutoff]


def authenticate(
    session: Session, username: str, password: str, *, throttle: LoginThrottle, ip: str = ""
) -> User:
    """Return the active user with this username and password, or raise."""
    throttle.check(username, ip)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active or not verify_password(user.password_hash, password):
        throttle.failed(username, ip)
        raise AuthenticationError("wrong username or password")
    throttle.succeeded(username, ip)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, user: User, *, name: str = "api", ttl: timedelta = TOKEN_TTL
) -> tuple[str, datetime]:
    """Create a bearer token; return it (shown once) and its expiry."""
    token = "cf_" + secrets.token_urlsafe(32)
    expires_at = clock.now() + ttl
    session.add(
        ApiToken(user_id=user.id, token_hash=_digest(token), name=name, expires_at=expires_at)
    )
    session.flush()
    return token, expires_at


def user_for_token(session: Session, token: str) -> User | None:
    """Return the user a valid (unexpired, unrevoked) token belongs to."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row.user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()
