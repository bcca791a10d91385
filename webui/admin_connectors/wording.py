"""Outbox rows in words: channel and operation names, delivery failures as sentences."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from connectors import catalog
from connectors.models import Incident, SinkMessage
from connectors.outbox_rows import (
    Failure,
    Reason,
    Target,
    explain,
    explain_error,
    kind_of,
    operation_of,
)
from engine.models import OutboxMessage


@dataclass(frozen=True)
class OutboxRow:
    """One outbox message as the admin reads it."""

    message: OutboxMessage
    channel: str
    operation: str
    error: str | None
    sink_message: SinkMessage | None


def channel_name(channel: str) -> str:
    """The channel's name in the reader's language."""
    if channel == "email":
        return _("E-mail")
    if channel == "sms":
        return _("SMS")
    return catalog.CONNECTORS.get(channel, channel)


def operation_name(message: OutboxMessage) -> str:
    """The operation, and for mail and SMS what the message is about."""
    operation = operation_of(message)
    kind = {
        "task_ready": _("new task"),
        "task_delegated": _("task delegated"),
        "expiry_reminder": _("expiry reminder"),
        "process_step": _("sent by a process step"),
    }.get(kind_of(message), "")
    if operation == "email/Send":
        name = _("Send e-mail")
    elif operation == "sms/Send":
        name = _("Send text message")
    else:
        name = operation  # a connector operation, e.g. erp/CreatePurchaseOrder
    return f"{name} · {kind}" if name and kind else name


def _target(failure: Failure) -> str:
    if failure.target == Target.MAIL_SERVER:
        if failure.where:
            return _("the mail server at %(server)s", server=failure.where)
        return _("the mail server")
    if failure.target == Target.SMS_GATEWAY:
        if failure.where:
            return _("the SMS gateway at %(url)s", url=failure.where)
        return _("the SMS gateway")
    return failure.where


def sentence(failure: Failure) -> str:
    """The failure as one sentence, starting with a capital letter."""
    target = _target(failure)
    texts = {
        Reason.REFUSED: _("%(target)s refused the connection.", target=target),
        Reason.TIMEOUT: _("%(target)s did not answer in time (timed out).", target=target),
        Reason.UNKNOWN_HOST: _(
            "%(target)s could not be found: its host name does not resolve.", target=target
        ),
        Reason.DISCONNECTED: _(
            "%(target)s closed the connection before the message was sent.", target=target
        ),
        Reason.RECIPIENTS: _(
            "%(target)s rejected the recipient %(recipients)s.",
            target=target,
            recipients=failure.detail,
        ),
        Reason.LOGIN: _(
            "%(target)s did not accept the login (check the user name and password).",
            target=target,
        ),
        Reason.REJECTED: _(
            "%(target)s rejected the message (SMTP answer %(code)s).",
            target=target,
            code=failure.detail,
        ),
        Reason.HTTP_STATUS: _(
            "%(target)s answered with HTTP status %(code)s.", target=target, code=failure.detail
        ),
        Reason.DISABLED: _("%(target)s is disabled in the connector settings.", target=target),
        Reason.NOT_CONFIGURED: _("%(target)s is not configured.", target=target),
        Reason.INVALID: _("The message is incomplete and cannot be sent."),
        Reason.NO_HANDLER: _("Nothing can deliver messages of this channel."),
        Reason.FAILED: _("The delivery failed."),
    }
    text = texts[failure.reason]
    return text[:1].upper() + text[1:]


def outbox_rows(messages: list[OutboxMessage], kept: dict[int, SinkMessage]) -> list[OutboxRow]:
    """Word every message of an outbox page; `kept` are the sink copies by outbox id."""
    rows = []
    for message in messages:
        failure = explain(message)
        rows.append(
            OutboxRow(
                message=message,
                channel=channel_name(message.channel),
                operation=operation_name(message),
                error=sentence(failure) if failure else None,
                sink_message=kept.get(message.id),
            )
        )
    return rows


def incident_errors(
    incidents: list[Incident], messages: dict[int, OutboxMessage]
) -> dict[int, str | None]:
    """Each incident's error as a sentence, by incident id (None when it has none)."""
    errors: dict[int, str | None] = {}
    for incident in incidents:
        message = messages.get(incident.outbox_message_id)
        failure = explain_error(message.channel if message else "", incident.error)
        errors[incident.id] = sentence(failure) if failure else None
    return errors
