"""Expiry reminders to a contract's owner and department managers: in-app, e-mail and SMS.

In-app notifications are rows; e-mail and SMS are outbox messages (channels
`email` and `sms`) delivered by the connectors. Every outbox row carries an
idempotency key derived from the contract, the reminder moment, the channel
and the person, so a reminder can never be queued twice.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.core import dates
from contracts.core.models import Contract, Notification
from contracts.identity.models import Group, Membership, User
from contracts.notifications.service import base_url
from engine.operators import OperatorContext


def recipients(session: Session, contract: Contract) -> list[User]:
    """Return the owner and the managers of the contract's department, each once."""
    managers = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Group, Group.id == Membership.group_id)
        .where(Group.name == contract.department.manager_group, User.active.is_(True))
        .order_by(User.id)
    ).all()
    people = {contract.owner.id: contract.owner}
    for manager in managers:
        people.setdefault(manager.id, manager)
    return list(people.values())


def send_expiry_reminder(ctx: OperatorContext, contract: Contract, at: datetime) -> list[str]:
    """Notify every recipient through every channel they have; return their usernames."""
    people = recipients(ctx.session, contract)
    link = f"/contracts/{contract.id}"
    url = f"{base_url()}{link}"  # mail and SMS are read outside the application
    subject, text = _message(contract)
    key = f"expiry:{contract.id}:{at:%Y%m%dT%H%M}"
    for person in people:
        ctx.session.add(
            Notification(user_id=person.id, kind="expiry_reminder", message=text, link=link)
        )
        if person.phone:
            ctx.enqueue(
                "sms", {"to": person.phone, "text": f"{text} {url}"}, key=f"{key}:sms:{person.id}"
            )
    addresses = [p.email for p in people if p.email]
    if addresses:
        ctx.enqueue(
            "email",
            {
                "to": addresses,
                "subject": subject,
                "text": f"{text}\n\n{url}\n",
                "html": f'<p>{escape(text)}</p><p><a href="{escape(url)}">{escape(url)}</a></p>',
                "link": url,
            },
            key=f"{key}:email",
        )
    return [p.username for p in people]


def _message(contract: Contract) -> tuple[str, str]:
    # One message to several people: the date in the mail's language (a date has no zone).
    expiry = dates.format_day(contract.expiry_date or date.min, "en")
    subject = f"Contract {contract.number} expires on {expiry}"
    renewal = (
        "It renews automatically unless you decide otherwise."
        if contract.auto_renew
        else "It expires unless you renew it."
    )
    text = (
        f"Contract {contract.number} ({contract.title}) expires on {expiry}. "
        f"{renewal} Please record your renewal decision."
    )
    return subject, text
