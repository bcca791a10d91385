"""A person's own settings: the time zone they read times in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contracts import audit
from contracts.core import dates
from contracts.identity.actor import Actor


def set_time_zone(session: Session, actor: Actor, name: str) -> str | None:
    """Choose the actor's time zone (an IANA name); empty means the installation's zone.

    Raises ValidationError (field `time_zone`) for a name that is not a known zone.
    """
    clean = name.strip()
    chosen = str(dates.parse_time_zone(clean).key) if clean else None
    actor.user.time_zone = chosen
    audit.record(
        session,
        "profile.time_zone",
        actor=actor.username,
        object_type="user",
        object_id=actor.user.id,
        ip=actor.ip,
        details={"time_zone": chosen},
    )
    session.flush()
    return chosen
