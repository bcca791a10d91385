"""Tell people about tasks: in-app notifications (the bell) and e-mail through the outbox.

`notify()` is the one writer of bell rows; every feature that tells someone something in
the app calls it. `TaskNotifier` listens to the engine (the environment's human-task listeners):
when a user task becomes ready, every candidate (the assignee if one is set, else the
candidate users and the members of the candidate groups) gets a bell row and one outbox
message on channel "email" (payload shape: see `connectors.email`), written in their own
language and time zone. Both are written in the step's transaction, so a mail server
outage delays mail but loses none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from contracts.core.service import contract_summary
from contracts.identity.models import Group, Membership, User
from contracts.notifications.links import task_path
from contracts.notifications.models import Notification
from contracts.notifications.settings import MessageSettings
from contracts.notifications.texts import N_, Texts
from engine import clock
from engine.db import table_of
from engine.models import HumanTask, OutboxMessage

EMAIL_CHANNEL = "email"

SUBJECT = N_("[ContractFlow] %(name)s: %(about)s")
WAITING = N_("A task is waiting for you: %(name)s")
DUE = N_("Due: %(moment)s (%(zone)s)")
DELEGATED = N_("%(by)s delegated '%(name)s' to you: %(about)s")


def notify(
    session: Session, user_ids: Iterable[int], *, kind: str, message: str, link: str | None
) -> None:
    """Put one message in the bell of each user, in the session's transaction."""
    rows = [
        {"user_id": user_id, "kind": kind, "message": message, "link": link} for user_id in user_ids
    ]
    # A Core insert on the session's connection (same transaction): the rows are never
    # read back in the step, so ORM objects would only add flush work.
    if rows:
        session.connection().execute(_INSERT_NOTIFICATION, rows)


@dataclass(frozen=True)
class Recipient:
    """Who a notification goes to: enough of a user to write the bell row and the mail."""

    id: int
    email: str | None
    time_zone: str | None = None
    locale: str | None = None


def recipients(session: Session, task: HumanTask) -> list[Recipient]:
    """The active people a task is for: its assignee, else its candidate users and groups."""
    params: dict[str, Any]
    if task.assignee:
        query, params = _BY_USERNAME, {"username": task.assignee}
    else:
        query = _BY_CANDIDATES
        params = {"usernames": task.candidate_users, "groups": task.candidate_groups}
    rows = session.connection().execute(query, params)
    return [
        Recipient(id=row.id, email=row.email, time_zone=row.time_zone, locale=row.locale)
        for row in rows
    ]


_USERS = table_of(User)
_PEOPLE = select(_USERS.c.id, _USERS.c.email, _USERS.c.time_zone, _USERS.c.locale).order_by(
    _USERS.c.id
)
_BY_USERNAME = _PEOPLE.where(_USERS.c.username == bindparam("username"), _USERS.c.active)
_GROUP_MEMBERS = (
    select(Membership.user_id)
    .join(Group, Group.id == Membership.group_id)
    .where(Group.name.in_(bindparam("groups", expanding=True)))
)
_BY_CANDIDATES = _PEOPLE.where(
    or_(
        _USERS.c.username.in_(bindparam("usernames", expanding=True)),
        _USERS.c.id.in_(_GROUP_MEMBERS),
    ),
    _USERS.c.active,
)


def _about(session: Session, task: HumanTask) -> str:
    contract = contract_summary(session, task.instance.business_key)
    if contract is None:
        return task.instance.business_key or f"process {task.instance_id}"
    return f"{contract.number} {contract.title} ({contract.amount:,.2f} {contract.currency})"


def _readers(settings: MessageSettings, person: Recipient) -> list[Texts]:
    """The languages a mail is written in: the reader's, or English and Chinese if unknown."""
    locale = settings.locale_for(person.locale)
    if locale is None:
        return [Texts(settings, None), Texts(settings, "zh")]
    return [Texts(settings, locale)]


def _task_lines(
    settings: MessageSettings, task: HumanTask, person: Recipient, about: str
) -> list[str]:
    """What a task mail says, in the reader's language(s), due time in their zone."""
    readers = _readers(settings, person)
    lines = [texts(WAITING, name=texts(task.name)) for texts in readers]
    lines.append(about)
    if task.due_at is not None:
        zone = settings.zone_for(person.time_zone)
        lines += [
            texts(DUE, moment=texts.moment(task.due_at, zone), zone=zone.key) for texts in readers
        ]
    return lines


def _email(
    settings: MessageSettings,
    task: HumanTask,
    person: Recipient,
    subject: str,
    lines: list[str],
    key: str,
) -> dict[str, Any]:
    """The outbox row (as insert parameters) that mails one person about a task."""
    link = settings.links.task(task.id)
    text = "\n".join([*lines, "", link])
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = f'{paragraphs}<p><a href="{escape(link)}">{escape(link)}</a></p>'
    return {
        "instance_id": task.instance_id,
        "channel": EMAIL_CHANNEL,
        "payload": {
            "to": [person.email],
            "subject": subject,
            "text": text,
            "html": html,
            "link": link,
        },
        "idempotency_key": key,
    }


def _subject(settings: MessageSettings, task: HumanTask, person: Recipient, about: str) -> str:
    texts = _readers(settings, person)[0]
    return texts(SUBJECT, name=texts(task.name), about=about)


def _write_mail(session: Session, mail: list[dict[str, Any]]) -> None:
    if mail:
        session.connection().execute(_INSERT_OUTBOX, mail)


_INSERT_NOTIFICATION = insert(table_of(Notification))
_INSERT_OUTBOX = insert(table_of(OutboxMessage))


def notify_task_ready(settings: MessageSettings, session: Session, task: HumanTask) -> None:
    """Notify a new ready task's candidates in the app and by e-mail."""
    people = recipients(session, task)
    if not people:
        return
    about = _about(session, task)
    notify(
        session,
        [person.id for person in people],
        kind="task_ready",
        message=f"New task '{task.name}': {about}",
        link=task_path(task.id),
    )
    _write_mail(
        session,
        [
            _email(
                settings,
                task,
                person,
                _subject(settings, task, person, about),
                _task_lines(settings, task, person, about),
                key=f"task-ready:{task.id}:{person.id}",
            )
            for person in people
            if person.email
        ],
    )


@dataclass(frozen=True)
class TaskNotifier:
    """The engine listener for new ready tasks, bound to the installation's message settings."""

    settings: MessageSettings

    def __call__(self, session: Session, task: HumanTask) -> None:
        notify_task_ready(self.settings, session, task)


def notify_delegated(
    session: Session,
    task: HumanTask,
    person: User,
    by: str,
    note: str | None,
    settings: MessageSettings | None = None,
) -> None:
    """Tell the person a task was delegated to, in the app and by mail in their language."""
    settings = settings or MessageSettings()
    about = _about(session, task)
    message = f"{by} delegated '{task.name}' to you: {about}"
    notify(
        session,
        [person.id],
        kind="task_delegated",
        message=f"{message} — {note}" if note else message,
        link=task_path(task.id),
    )
    if not person.email:
        return
    reader = Recipient(person.id, person.email, person.time_zone, person.locale)
    lines = [
        texts(DELEGATED, by=by, name=texts(task.name), about=about)
        for texts in _readers(settings, reader)
    ]
    stamp = clock.now().strftime("%Y%m%d%H%M%S%f")
    mail = _email(
        settings,
        task,
        reader,
        _subject(settings, task, reader, about),
        [*lines, note] if note else lines,
        key=f"task-delegated:{task.id}:{person.id}:{stamp}",
    )
    _write_mail(session, [mail])


def unread_count(session: Session, user_id: int) -> int:
    """How many of the user's notifications are unread (the bell)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def list_notifications(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    """The user's newest notifications."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; return how many changed."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    result = session.execute(
        query.values(read_at=clock.now()).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
