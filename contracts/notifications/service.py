"""Tell people about tasks: in-app notifications (the bell) and e-mail through the outbox.

`on_human_task_created` listens to the engine (the environment's human-task listeners):
when a user task becomes ready, every candidate (the assignee if one is set, else the
candidate users and the members of the candidate groups) gets a `Notification` row and
one outbox message on channel "email" (payload shape: see `connectors.email`). Both are
written in the step's transaction, so a mail server outage delays mail but loses none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from contracts.core import dates
from contracts.core.models import Notification
from contracts.core.service import contract_summary
from contracts.identity.models import Group, Membership, User
from engine import clock
from engine.db import table_of
from engine.models import HumanTask, OutboxMessage

EMAIL_CHANNEL = "email"
DEFAULT_BASE_URL = "http://localhost:5000"


def base_url() -> str:
    """Where links in e-mails point (CONTRACTFLOW_BASE_URL, no trailing slash)."""
    return os.environ.get("CONTRACTFLOW_BASE_URL", DEFAULT_BASE_URL).rstrip("/")


def task_path(task_id: int) -> str:
    return f"/inbox/tasks/{task_id}"


@dataclass(frozen=True)
class Recipient:
    """Who a notification goes to: enough of a user to write the bell row and the mail."""

    id: int
    email: str | None
    time_zone: str | None = None


def recipients(session: Session, task: HumanTask) -> list[Recipient]:
    """The active people a task is for: its assignee, else its candidate users and groups."""
    params: dict[str, Any]
    if task.assignee:
        query, params = _BY_USERNAME, {"username": task.assignee}
    else:
        query = _BY_CANDIDATES
        params = {"usernames": task.candidate_users, "groups": task.candidate_groups}
    rows = session.connection().execute(query, params)
    return [Recipient(id=row.id, email=row.email, time_zone=row.time_zone) for row in rows]


_USERS = table_of(User)
_PEOPLE = select(_USERS.c.id, _USERS.c.email, _USERS.c.time_zone).order_by(_USERS.c.id)
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


def _due_lines(task: HumanTask, person: Recipient) -> list[str]:
    """When the task is due, in the recipient's zone (else the installation's), in en and zh."""
    if task.due_at is None:
        return []
    zone = dates.zone_of(person.time_zone)
    return [
        f"Due: {dates.format_moment(task.due_at, 'en', zone)} ({zone.key})",
        f"截止时间：{dates.format_moment(task.due_at, 'zh', zone)}（{zone.key}）",
    ]


def _email(task: HumanTask, person: Recipient, subject: str, lines: list[str], key: str) -> Any:
    """The outbox row (as insert parameters) that mails one person about a task."""
    link = f"{base_url()}{task_path(task.id)}"
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


def _write(session: Session, bell: list[dict[str, Any]], mail: list[dict[str, Any]]) -> None:
    # Core inserts on the session's connection (same transaction): these rows are
    # never read back in the step, so ORM objects would only add flush work.
    connection = session.connection()
    if bell:
        connection.execute(_INSERT_NOTIFICATION, bell)
    if mail:
        connection.execute(_INSERT_OUTBOX, mail)


_INSERT_NOTIFICATION = insert(table_of(Notification))
_INSERT_OUTBOX = insert(table_of(OutboxMessage))


def on_human_task_created(session: Session, task: HumanTask) -> None:
    """Notify a new ready task's candidates in the app and by e-mail."""
    people = recipients(session, task)
    if not people:
        return
    about = _about(session, task)
    bell = []
    mail = []
    for person in people:
        bell.append(
            {
                "user_id": person.id,
                "kind": "task_ready",
                "message": f"New task '{task.name}': {about}",
                "link": task_path(task.id),
            }
        )
        if person.email:
            mail.append(
                _email(
                    task,
                    person,
                    f"[ContractFlow] {task.name}: {about}",
                    [
                        f"A task is waiting for you: {task.name}",
                        f"有一项待办等待您处理：{task.name}",
                        about,
                        *_due_lines(task, person),
                    ],
                    key=f"task-ready:{task.id}:{person.id}",
                )
            )
    _write(session, bell, mail)


def notify_delegated(
    session: Session, task: HumanTask, person: User, by: str, note: str | None
) -> None:
    """Tell the person a task was delegated to."""
    about = _about(session, task)
    message = f"{by} delegated '{task.name}' to you: {about}"
    bell = {
        "user_id": person.id,
        "kind": "task_delegated",
        "message": f"{message} — {note}" if note else message,
        "link": task_path(task.id),
    }
    mail = []
    if person.email:
        stamp = clock.now().strftime("%Y%m%d%H%M%S%f")
        lines = [message, f"{by} 将待办“{task.name}”转交给您。"]
        mail.append(
            _email(
                task,
                Recipient(id=person.id, email=person.email, time_zone=person.time_zone),
                f"[ContractFlow] {task.name}: {about}",
                [*lines, note] if note else lines,
                key=f"task-delegated:{task.id}:{person.id}:{stamp}",
            )
        )
    _write(session, [bell], mail)


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
