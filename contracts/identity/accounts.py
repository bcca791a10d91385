"""Passwords, logins and API tokens."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from contracts import audit
from contracts.errors import AuthenticationError, ValidationError
from contracts.identity.login_throttle import LoginThrottle
from contracts.identity.models import ApiToken, User
from engine import clock
from engine.errors import NotFoundError

_HASHER = PasswordHasher()
TOKEN_TTL = timedelta(hours=12)
MAX_TOKEN_DAYS = 365
ALL_SCOPES = "*"
SCOPES = (
    "contracts:read",
    "contracts:write",
    "tasks:read",
    "tasks:write",
    "webhooks:admin",
    "processes:admin",
)
# Scopes a user may only grant when one of these roles holds the matching right.
ADMIN_SCOPES = {
    "webhooks:admin": ("admin", "integrator"),
    "processes:admin": ("admin", "process_admin"),
}


def hash_password(password: str) -> str:
    """Return an argon2id hash of a password."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# The signed-in user is loaded on every request; their department (a joined row) is
# shown on two forms only, which load it when they ask.
_SIGNED_IN = (lazyload(User.department),)
# The same load as a statement built once. `Session.get` builds, clones and keys a new
# SELECT on every call (~0.1 ms of a request); it only wins when the user may already
# sit in the session's identity map, which a request's fresh session never holds.
_SIGNED_IN_USER = select(User).options(*_SIGNED_IN).where(User.id == bindparam("user_id"))


def signed_in_user(session: Session, user_id: int) -> User | None:
    """The active user a login session belongs to (None once deactivated or deleted)."""
    if len(session.identity_map):
        user = session.get(User, user_id, options=_SIGNED_IN)
    else:
        user = session.execute(_SIGNED_IN_USER, {"user_id": user_id}).scalar_one_or_none()
    return user if user is not None and user.active else None


def authenticate(
    session: Session, username: str, password: str, *, throttle: LoginThrottle, ip: str = ""
) -> User:
    """Return the active user with this username and password, or raise.

    The attempt is counted (and committed, by the throttle) before the password
    is checked: LoginThrottledError when the account or the address has none
    left. The failure that uses up the last one records `login.locked`.
    """
    reservation = throttle.reserve(username, ip)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active or not verify_password(user.password_hash, password):
        for count, wait in throttle.locks_engaged(reservation):
            audit.record(
                session,
                "login.locked",
                actor=username or None,
                ip=ip or None,
                details={
                    "scope": count.scope,
                    "failures": count.attempt,
                    "retry_after_seconds": wait,
                },
            )
        raise AuthenticationError("wrong username or password")
    throttle.release(session, reservation)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    user: User,
    *,
    name: str = "api",
    ttl: timedelta = TOKEN_TTL,
    scopes: list[str] | None = None,
) -> tuple[str, datetime]:
    """Create a bearer token; return it (shown once) and its expiry.

    A token from a password sign-in acts with all of its user's rights
    (`ALL_SCOPES`); integrator tokens name the scopes they need.
    """
    token = "cf_" + secrets.token_urlsafe(32)
    expires_at = clock.now() + ttl
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_digest(token),
            name=name,
            expires_at=expires_at,
            scopes=list(scopes) if scopes is not None else [ALL_SCOPES],
        )
    )
    session.flush()
    return token, expires_at


def token_for(session: Session, token: str) -> ApiToken | None:
    """Return a valid (unexpired, unrevoked, active user) token row by its secret."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def user_for_token(session: Session, token: str) -> User | None:
    """Return the user a valid (unexpired, unrevoked) token belongs to."""
    row = token_for(session, token)
    return row.user if row is not None else None


def is_sign_in_token(token: ApiToken) -> bool:
    """Whether a token came from a password sign-in (it carries all of its user's rights)."""
    return ALL_SCOPES in token.scopes


def token_allows(token: ApiToken, scope: str) -> bool:
    """Whether a token was given a scope (or all of its user's rights)."""
    return ALL_SCOPES in token.scopes or scope in token.scopes


def scopes_for(user: User) -> list[str]:
    """The scopes a user may put on a token: admin scopes only for the roles that hold them."""
    return [s for s in SCOPES if s not in ADMIN_SCOPES or user.has_role(*ADMIN_SCOPES[s])]


def create_integration_token(
    session: Session, user: User, *, name: str, scopes: list[str], days: int, password: str
) -> tuple[str, ApiToken]:
    """Create a named token with chosen scopes; return its secret (shown once) and its row.

    The user re-enters their password: a stolen session alone mints no lasting token.
    """
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, password):
        errors["password"] = ["enter your current password to create a token"]
    if not name.strip() or len(name) > 120:
        errors["name"] = ["give the token a name (at most 120 characters)"]
    allowed = scopes_for(user)
    if not scopes or any(s not in allowed for s in scopes):
        errors["scopes"] = [f"choose one or more of: {', '.join(allowed)}"]
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = [f"must be from 1 to {MAX_TOKEN_DAYS}"]
    if errors:
        raise ValidationError(errors)
    token, _ = issue_token(
        session, user, name=name.strip(), ttl=timedelta(days=days), scopes=sorted(set(scopes))
    )
    row = token_for(session, token)
    assert row is not None
    return token, row


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that are still usable (sign-in ones too), newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > clock.now(),
            )
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFoundError(f"token {token_id} does not exist")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
    session.flush()
    return row


class RateLimiter:
    """A sliding window of request times per key (a token id), kept per process.

    `hit` answers how many seconds to wait, or 0 when the request may go on.
    """

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[object, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: object) -> int:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return 0


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()
