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

from contracts.core.models import Contract
from contracts.identity.models import Group, Membership, User
from contracts.notifications.links import contract_path
from contracts.notifications.service import notify
from contracts.notifications.settings import MessageSettings
from contracts.notifications.texts import N_, Texts
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


def send_expiry_reminder(
    ctx: OperatorContext, contract: Contract, at: datetime, settings: MessageSettings
) -> list[str]:
    """Notify every recipient through every channel they have; return their usernames."""
    people = recipients(ctx.session, contract)
    url = settings.links.contract(contract.id)  # mail and SMS are read outside the application
    key = f"expiry:{contract.id}:{at:%Y%m%dT%H%M}"
    # The bell row keeps the English sentence; the web UI tells it in the reader's language.
    _, sentence = _message(contract, Texts(settings, "en"))
    notify(
        ctx.session,
        [person.id for person in people],
        kind="expiry_reminder",
        message=sentence,
        link=contract_path(contract.id),
    )
    for person in people:
        if person.phone:
            _, text = _message(contract, Texts(settings, settings.locale_for(person.locale)))
            ctx.enqueue(
                "sms", {"to": person.phone, "text": f"{text} {url}"}, key=f"{key}:sms:{person.id}"
            )
    for locale, addresses in _mail_groups(settings, people).items():
        subject, text = _message(contract, Texts(settings, locale))
        ctx.enqueue(
            "email",
            {
                "to": addresses,
                "subject": subject,
                "text": f"{text}\n\n{url}\n",
                "html": f'<p>{escape(text)}</p><p><a href="{escape(url)}">{escape(url)}</a></p>',
                "link": url,
            },
            key=f"{key}:email" if locale is None else f"{key}:email:{locale}",
        )
    return [p.username for p in people]


def _mail_groups(settings: MessageSettings, people: list[User]) -> dict[str | None, list[str]]:
    """The addresses to mail, by the language they read (one mail per language)."""
    groups: dict[str | None, list[str]] = {}
    for person in people:
        if person.email:
            groups.setdefault(settings.locale_for(person.locale), []).append(person.email)
    return groups


SUBJECT = N_("Contract %(number)s expires on %(date)s")
RENEWS = N_(
    "Contract %(number)s (%(title)s) expires on %(date)s. It renews automatically "
    "unless you decide otherwise. Please record your renewal decision."
)
ENDS = N_(
    "Contract %(number)s (%(title)s) expires on %(date)s. It expires unless you "
    "renew it. Please record your renewal decision."
)


def _message(contract: Contract, texts: Texts | None = None) -> tuple[str, str]:
    # The date in the reader's language (a date has no zone); English when none is given.
    texts = texts or Texts(MessageSettings(), "en")
    expiry = texts.day(contract.expiry_date or date.min)
    subject = texts(SUBJECT, number=contract.number, date=expiry)
    sentence = RENEWS if contract.auto_renew else ENDS
    return subject, texts(sentence, number=contract.number, title=contract.title, date=expiry)
