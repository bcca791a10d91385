"""A person's own settings: the time zone they read times in, the language they read."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contracts import audit
from contracts.core import dates
from contracts.errors import ValidationError
from contracts.identity.actor import Actor


def set_time_zone(session: Session, actor: Actor, name: str) -> str | None:
    """Choose the actor's time zone (an IANA name); empty means the installation's zone.

    Raises ValidationError (field `time_zone`) for a name that is not a known zone.
    """
    clean = name.strip()
    chosen = str(dates.parse_time_zone(clean).key) if clean else None
    actor.user.time_zone = chosen
    audit.record_as(
        session,
        "profile.time_zone",
        actor,
        object_type="user",
        object_id=actor.user.id,
        details={"time_zone": chosen},
    )
    session.flush()
    return chosen


def set_locale(session: Session, actor: Actor, locale: str, supported: tuple[str, ...]) -> str:
    """Choose the language the actor's pages (and mails) are in; one of `supported`."""
    if locale not in supported:
        raise ValidationError({"locale": [f"must be one of: {', '.join(supported)}"]})
    actor.user.locale = locale
    audit.record_as(session, "profile.locale", actor, details={"locale": locale})
    return locale
