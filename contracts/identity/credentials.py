"""Sign in and out, change passwords, create and revoke tokens; each one audited here.

The browser page and the JSON API call the same functions, so both leave the same entries.
A failed sign-in is audited before its error is raised: the caller commits to keep it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.errors import LoginThrottledError, ValidationError
from contracts.identity import accounts
from contracts.identity.accounts import hash_password, is_sign_in_token, verify_password
from contracts.identity.actor import Actor
from contracts.identity.login_throttle import LoginThrottle
from contracts.identity.models import ApiToken, User
from engine import clock

# No password policy exists elsewhere yet (issue 18 brings one); this is the floor.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything; a bound keeps a request cheap


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    throttle: LoginThrottle,
    ip: str = "",
    via: str | None = None,
) -> User:
    """Authenticate (see accounts.authenticate) and audit `login` or `login.failed`.

    `via` names the door ("api") in the entries' details; the page leaves it out.
    """
    try:
        user = accounts.authenticate(session, username, password, throttle=throttle, ip=ip)
    except Exception as exc:
        details: dict[str, Any] = {"via": via} if via else {}
        if isinstance(exc, LoginThrottledError):
            details["throttled"] = True
        audit.record(
            session,
            "login.failed",
            actor=username or None,
            ip=ip,
            details=details or None,
        )
        raise
    audit.record(
        session, "login", actor=user.username, ip=ip, details={"via": via} if via else None
    )
    return user


def create_token(
    session: Session, actor: Actor, *, name: str, scopes: list[str], days: int, password: str
) -> tuple[str, ApiToken]:
    """Create one of the actor's integration tokens (see accounts.create_integration_token)."""
    token, row = accounts.create_integration_token(
        session, actor.user, name=name, scopes=scopes, days=days, password=password
    )
    audit.record_as(
        session,
        "api_token.create",
        actor,
        object_type="api_token",
        object_id=row.id,
        details={"name": row.name, "scopes": row.scopes},
    )
    return token, row


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    row = accounts.revoke_token(session, actor.user, token_id)
    audit.record_as(session, "api_token.revoke", actor, object_type="api_token", object_id=row.id)
    return row


def end_sessions(user: User) -> None:
    """Invalidate every login session of the user issued so far."""
    user.session_generation += 1


def sign_out(session: Session, actor: Actor) -> None:
    """Log out: the session cookie in hand (and any copy of it) stops working."""
    end_sessions(actor.user)
    audit.record_as(session, "logout", actor)
    session.flush()


def sign_out_everywhere(session: Session, actor: Actor) -> int:
    """End all the user's browser sessions and sign-in tokens; return how many tokens died.

    Integration tokens (named, scoped) are kept: they belong to other systems and
    are revoked one by one, or all together by a password change.
    """
    end_sessions(actor.user)
    revoked = _revoke_tokens(session, actor.user, sign_in_only=True)
    audit.record_as(
        session,
        "session.sign_out_everywhere",
        actor,
        object_type="user",
        object_id=actor.user.id,
        details={"tokens_revoked": revoked},
    )
    session.flush()
    return revoked


def change_password(session: Session, actor: Actor, *, current: str, new: str, confirm: str) -> int:
    """Set a new password (the current one proves it is the user); end every session and token.

    Returns the number of tokens revoked. The caller re-signs in the browser that asked.
    """
    user = actor.user
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current):
        errors["current"] = ["this is not your current password"]
    if not MIN_PASSWORD_LENGTH <= len(new) <= MAX_PASSWORD_LENGTH:
        errors["new"] = [f"use at least {MIN_PASSWORD_LENGTH} characters"]
    elif new == current:
        errors["new"] = ["choose a password different from the current one"]
    if new != confirm:
        errors["confirm"] = ["the two new passwords differ"]
    if errors:
        raise ValidationError(errors)
    user.password_hash = hash_password(new)
    end_sessions(user)
    revoked = _revoke_tokens(session, user, sign_in_only=False)
    audit.record_as(
        session,
        "password.change",
        actor,
        object_type="user",
        object_id=user.id,
        details={"tokens_revoked": revoked},
    )
    session.flush()
    return revoked


def _revoke_tokens(session: Session, user: User, *, sign_in_only: bool) -> int:
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    now = clock.now()
    revoked = 0
    for row in rows:
        if not sign_in_only or is_sign_in_token(row):
            row.revoked_at = now
            revoked += 1
    return revoked
