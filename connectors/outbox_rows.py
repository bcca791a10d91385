"""What an admin reads about an outbox row: what it is, and why its delivery failed.

The outbox keeps a delivery's error as raw text (`OutboxMessage.last_error`). The
handlers of this package write it so that it names the server it tried
(`[mail server host:port]`, `[SMS gateway url]`); `explain` turns it back into a
reason and a target, which the web layer words as a sentence in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from connectors import catalog
from engine.models import OutboxMessage

__all__ = ["Failure", "Reason", "Target", "explain", "explain_error", "kind_of", "operation_of"]


class Reason(StrEnum):
    REFUSED = "refused"  # nobody listens on that port
    TIMEOUT = "timeout"
    UNKNOWN_HOST = "unknown_host"
    DISCONNECTED = "disconnected"  # the server dropped the connection
    RECIPIENTS = "recipients"  # the mail server rejected the recipients
    LOGIN = "login"
    REJECTED = "rejected"  # an SMTP 5xx answer to the mail itself
    HTTP_STATUS = "http_status"
    DISABLED = "disabled"
    NOT_CONFIGURED = "not_configured"
    INVALID = "invalid"  # the message itself cannot be sent
    NO_HANDLER = "no_handler"
    FAILED = "failed"  # anything else


class Target(StrEnum):
    MAIL_SERVER = "mail_server"
    SMS_GATEWAY = "sms_gateway"
    SYSTEM = "system"  # a connector (ERP, finance, …) or any other channel


@dataclass(frozen=True)
class Failure:
    """Why a delivery failed: `where` is host:port, a URL or a system's name; `detail` varies."""

    reason: Reason
    target: Target
    where: str
    detail: str = ""


_SERVER = re.compile(r"\[mail server ([^\]]+)\]")
_GATEWAY = re.compile(r"\[SMS gateway ([^\]]*)\]")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")
_HTTP = re.compile(r"(?:HTTP|answered) (\d{3})\b")
_SMTP = re.compile(r"SMTP (\d{3})\b")

# Checked in order; the first pattern found in the raw error gives the reason.
_REASONS: tuple[tuple[Reason, tuple[str, ...]], ...] = (
    (Reason.NO_HANDLER, ("no delivery handler",)),
    (Reason.RECIPIENTS, ("recipient was refused", "SMTPRecipientsRefused")),
    (Reason.LOGIN, ("SMTPAuthenticationError", "Authentication", "SMTPNotSupportedError")),
    (Reason.REFUSED, ("ConnectionRefused", "Connection refused", "Errno 111")),
    (Reason.TIMEOUT, ("timed out", "TimeoutError", "Timeout", "no answer within")),
    (
        Reason.UNKNOWN_HOST,
        ("gaierror", "Name or service not known", "nodename nor servname", "getaddrinfo"),
    ),
    (
        Reason.DISCONNECTED,
        ("SMTPServerDisconnected", "ConnectionReset", "unexpectedly closed", "RemoteProtocol"),
    ),
    (Reason.DISABLED, ("is disabled",)),
    (Reason.NOT_CONFIGURED, ("no base URL configured", "is not set")),
    (Reason.INVALID, ("payload", "needs a phone number", "is not HTTP")),
)


def explain(message: OutboxMessage) -> Failure | None:
    """The reason of the row's last failure, or None when it has no error."""
    return explain_error(message.channel, message.last_error)


def explain_error(channel: str, raw: str | None) -> Failure | None:
    """The reason of a raw delivery error on a channel (an outbox row's or an incident's)."""
    if not raw:
        return None
    target, where = _target(channel, raw)
    for reason, needles in _REASONS:
        if any(needle in raw for needle in needles):
            detail = ""
            if reason == Reason.RECIPIENTS:
                detail = ", ".join(dict.fromkeys(_ADDRESS.findall(_SERVER.sub("", raw))))
            return Failure(reason, target, where, detail)
    if found := _SMTP.search(raw):
        return Failure(Reason.REJECTED, target, where, found.group(1))
    if found := _HTTP.search(raw):
        return Failure(Reason.HTTP_STATUS, target, where, found.group(1))
    return Failure(Reason.FAILED, target, where)


def _target(channel: str, raw: str) -> tuple[Target, str]:
    if channel == "email":
        found = _SERVER.search(raw)
        return Target.MAIL_SERVER, found.group(1) if found else ""
    if channel == "sms":
        found = _GATEWAY.search(raw)
        return Target.SMS_GATEWAY, found.group(1) if found else ""
    return Target.SYSTEM, catalog.CONNECTORS.get(channel, channel)


def operation_of(message: OutboxMessage) -> str:
    """The operation a row carries: a connector operation's name, or the channel's send."""
    operation = message.payload.get("operation")
    if isinstance(operation, str) and operation:
        return operation
    if message.channel == "email":
        return "email/Send"
    if message.channel == "sms":
        return "sms/Send"
    return ""


_KINDS = {
    "task-ready": "task_ready",
    "task-delegated": "task_delegated",
    "expiry": "expiry_reminder",
    "email-send": "process_step",
    "sms-send": "process_step",
}


def kind_of(message: OutboxMessage) -> str:
    """What a mail or text message is about, from its idempotency key (task mail, reminder…)."""
    return _KINDS.get(message.idempotency_key.split(":", 1)[0], "")
