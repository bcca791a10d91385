"""End sessions and change passwords: the server-side half of signing out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.errors import ValidationError
from contracts.identity.accounts import hash_password, is_sign_in_token, verify_password
from contracts.identity.actor import Actor
from contracts.identity.models import ApiToken, User
from engine import clock

# No password policy exists elsewhere yet (issue 18 brings one); this is the floor.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything; a bound keeps a request cheap


def end_sessions(user: User) -> None:
    """Invalidate every login session of the user issued so far."""
    user.session_generation += 1


def sign_out(session: Session, actor: Actor) -> None:
    """Log out: the session cookie in hand (and any copy of it) stops working."""
    end_sessions(actor.user)
    audit.record(session, "logout", actor=actor.username, ip=actor.ip)
    session.flush()


def sign_out_everywhere(session: Session, actor: Actor) -> int:
    """End all the user's browser sessions and sign-in tokens; return how many tokens died.

    Integration tokens (named, scoped) are kept: they belong to other systems and
    are revoked one by one, or all together by a password change.
    """
    end_sessions(actor.user)
    revoked = _revoke_tokens(session, actor.user, sign_in_only=True)
    audit.record(
        session,
        "session.sign_out_everywhere",
        actor=actor.username,
        object_type="user",
        object_id=actor.user.id,
        ip=actor.ip,
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
    audit.record(
        session,
        "password.change",
        actor=actor.username,
        object_type="user",
        object_id=user.id,
        ip=actor.ip,
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
