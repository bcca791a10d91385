"""The built-in sink: where mail and text messages go when no SMTP server or SMS gateway is set.

An embedded installation has no mail server. Rather than failing every delivery
(and retrying it for hours), the `email` and `sms` delivery handlers hand such a
message to this sink: it is stored as a `SinkMessage` in the delivery's own
transaction, so the outbox row turns `delivered` exactly when the copy exists.
Admins read the sink at /admin/mail and /admin/sms.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from connectors.errors import SinkAccessDeniedError
from connectors.models import SinkChannel, SinkMessage
from connectors.monitoring import Page, paginate
from engine.errors import NotFoundError
from engine.models import OutboxMessage

__all__ = [
    "SinkChannel",
    "delivered_to_sink",
    "framed_html",
    "get_message",
    "local_link",
    "messages_page",
    "require_reader",
    "store",
]


class Reader(Protocol):
    def has_role(self, *names: str) -> bool: ...


def require_reader(user: Reader) -> None:
    """Raise SinkAccessDeniedError unless the user is an admin (the sink holds everyone's mail)."""
    if not user.has_role("admin"):
        raise SinkAccessDeniedError("only admins may read the mail and SMS kept on this machine")


def store(
    message: OutboxMessage,
    channel: SinkChannel,
    *,
    sender: str,
    recipients: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    link: str | None = None,
) -> SinkMessage:
    """Keep one outbox message in the sink, in the delivery's transaction (once per message)."""
    session = object_session(message)
    if session is None:
        raise RuntimeError("the built-in sink needs an outbox message bound to a session")
    if message.id is not None:
        existing = session.scalars(
            select(SinkMessage).where(SinkMessage.outbox_message_id == message.id)
        ).first()
        if existing is not None:
            return existing
    kept = SinkMessage(
        channel=channel,
        sender=sender,
        recipients=recipients,
        subject=subject,
        text=text,
        html=html or None,
        link=link or None,
        outbox_message_id=message.id,
    )
    session.add(kept)
    session.flush()
    return kept


def messages_page(
    session: Session, user: Reader, channel: SinkChannel, *, page: int = 1, per_page: int = 50
) -> Page[SinkMessage]:
    """The messages the sink kept on one channel, newest first (admins only)."""
    require_reader(user)
    query = (
        select(SinkMessage)
        .where(SinkMessage.channel == channel)
        .order_by(SinkMessage.created_at.desc(), SinkMessage.id.desc())
    )
    return paginate(session, query, page, per_page)


def get_message(
    session: Session, user: Reader, channel: SinkChannel, message_id: int
) -> SinkMessage:
    """One kept message of a channel (admins only)."""
    require_reader(user)
    kept = session.get(SinkMessage, message_id)
    if kept is None or kept.channel != channel:
        raise NotFoundError(f"no {channel} message {message_id} in the built-in sink")
    return kept


def delivered_to_sink(session: Session, outbox_ids: Iterable[int]) -> dict[int, SinkMessage]:
    """The sink copies of these outbox messages, by outbox id (those not in the sink are absent)."""
    ids = list(outbox_ids)
    if not ids:
        return {}
    rows = session.scalars(select(SinkMessage).where(SinkMessage.outbox_message_id.in_(ids)))
    return {row.outbox_message_id: row for row in rows if row.outbox_message_id is not None}


def local_link(link: str | None, base_url: str) -> str | None:
    """A link into this application made relative, so it works whatever host the admin uses."""
    if not link:
        return None
    base = base_url.rstrip("/")
    if base and link.startswith(base + "/"):
        return link[len(base) :]
    return link


def framed_html(kept: SinkMessage, base_url: str) -> str | None:
    """The mail's HTML part for a sandboxed iframe: links open in the page, not in the frame.

    The caller puts it in `srcdoc` of an iframe sandboxed without scripts; escaping the
    attribute is the template's job. Links into this application become relative.
    """
    if not kept.html:
        return None
    base = base_url.rstrip("/")
    html = kept.html
    if base:
        html = html.replace(f'href="{base}/', 'href="/')
    return f'<!doctype html><base target="_top"><meta charset="utf-8">{html}'
