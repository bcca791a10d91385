"""E-mail: the SMTP delivery handler for outbox channel "email" and the `email/Send` operator.

Anyone may enqueue mail by writing an outbox message on channel ``"email"`` (inside a
step: ``ctx.enqueue("email", payload, key=...)``) with this payload::

    {
        "to": ["carol@example.com", ...],   # required, one or more addresses
        "subject": "…",                      # required
        "text": "…",                         # required, the plain-text body
        "html": "<p>…</p>",                  # optional, an HTML alternative
        "link": "https://…/inbox/tasks/7"    # optional, what the mail is about
    }

With no ``CONTRACTFLOW_SMTP_HOST`` set (an embedded installation) the mail does not
leave the machine: it is kept in the built-in sink (`connectors.sink`), readable by
admins at /admin/mail, and the outbox row counts as delivered.

Otherwise the handler sends it through SMTP with a ``Message-ID`` derived from the outbox row's
idempotency key, so a receiver can drop a repeat after an at-least-once retry. An SMTP
5xx answer (or a payload that cannot be a mail) is permanent: the message goes to the
dead letters. A connection failure, timeout or 4xx is retried with backoff; the error then names
the server (``[mail server host:port]``) so the outbox can say which one failed.

Settings are handed in by the caller as a function that returns `SmtpSettings`; the app
factory passes `webui.config.smtp_settings`, which reads these variables at each delivery:

==============================  ======================================  ===========
``CONTRACTFLOW_SMTP_HOST``      SMTP server                             none: the built-in sink
``CONTRACTFLOW_SMTP_PORT``      port                                    25
``CONTRACTFLOW_SMTP_USER``      login (none: no AUTH)
``CONTRACTFLOW_SMTP_PASSWORD``  password
``CONTRACTFLOW_SMTP_STARTTLS``  ``1``/``true`` to upgrade with STARTTLS  off
``CONTRACTFLOW_MAIL_FROM``      sender address                          contractflow@localhost
``CONTRACTFLOW_BASE_URL``       base of links in mail                   http://localhost:5000
==============================  ======================================  ===========
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from connectors import sink
from engine.models import OutboxMessage
from engine.operators import OperatorContext, OperatorRegistry
from engine.outbox import DeliveryRegistry, PermanentDeliveryError

__all__ = [
    "CHANNEL",
    "MailServerError",
    "SmtpSettings",
    "build_message",
    "register",
    "send_operator",
]

CHANNEL = "email"
TIMEOUT_SECONDS = 20


class MailServerError(Exception):
    """The mail server could not be reached or failed for now: the outbox retries."""

    def __init__(self, server: str, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error} [mail server {server}]")


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None  # none: keep mail in the built-in sink
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    mail_from: str = "contractflow@localhost"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings:
        """Parse the CONTRACTFLOW_SMTP_* and CONTRACTFLOW_MAIL_FROM variables of `env`."""
        return cls(
            host=env.get("CONTRACTFLOW_SMTP_HOST", "").strip() or None,
            port=int(env.get("CONTRACTFLOW_SMTP_PORT", "25")),
            user=env.get("CONTRACTFLOW_SMTP_USER") or None,
            password=env.get("CONTRACTFLOW_SMTP_PASSWORD") or None,
            starttls=env.get("CONTRACTFLOW_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            mail_from=env.get("CONTRACTFLOW_MAIL_FROM", "contractflow@localhost"),
        )

    @property
    def server(self) -> str:
        """host:port, as an admin reads it in an error."""
        return f"{self.host}:{self.port}"


def _addresses(payload: dict[str, Any]) -> list[str]:
    to = payload.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to or not all(isinstance(a, str) and "@" in a for a in to):
        raise PermanentDeliveryError(f"e-mail payload has no valid 'to' addresses: {to!r}")
    return to


def build_message(message: OutboxMessage, settings: SmtpSettings) -> EmailMessage:
    """Turn an outbox row's payload into a MIME message (PermanentDeliveryError if it can't)."""
    payload = message.payload or {}
    subject, text = payload.get("subject"), payload.get("text")
    if not isinstance(subject, str) or not isinstance(text, str):
        raise PermanentDeliveryError("e-mail payload needs 'subject' and 'text' strings")
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = ", ".join(_addresses(payload))
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False)
    domain = settings.mail_from.rpartition("@")[2] or "contractflow.local"
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"contractflow:{message.idempotency_key}")
    mail["Message-ID"] = f"<{key}@{domain}>"
    mail["X-ContractFlow-Idempotency-Key"] = message.idempotency_key
    mail.set_content(text)
    if isinstance(payload.get("html"), str) and payload["html"]:
        mail.add_alternative(payload["html"], subtype="html")
    return mail


def deliver(message: OutboxMessage, settings: SmtpSettings | None = None) -> None:
    """Send one outbox message through SMTP, or keep it in the sink when no host is set."""
    settings = settings or SmtpSettings()
    mail = build_message(message, settings)
    if settings.host is None:
        _keep_in_sink(message, settings)
        return
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            refused = ", ".join(
                f"{address} ({code} {_text(reply)})"
                for address, (code, reply) in exc.recipients.items()
            )
            raise PermanentDeliveryError(
                f"every recipient was refused: {refused} [mail server {settings.server}]"
            ) from exc
        raise MailServerError(settings.server, exc) from exc
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentDeliveryError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r} [mail server {settings.server}]"
            ) from exc
        raise MailServerError(settings.server, exc) from exc
    except OSError as exc:  # refused, timed out, unknown host, dropped (SMTPException too)
        raise MailServerError(settings.server, exc) from exc


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _keep_in_sink(message: OutboxMessage, settings: SmtpSettings) -> None:
    payload = message.payload
    html, link = payload.get("html"), payload.get("link")
    sink.store(
        message,
        sink.SinkChannel.EMAIL,
        sender=settings.mail_from,
        recipients=_addresses(payload),
        subject=str(payload["subject"]),
        text=str(payload["text"]),
        html=html if isinstance(html, str) else None,
        link=link if isinstance(link, str) else None,
    )


def send_operator(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Service task `email/Send`: queue a mail (params `to`, `subject`, `text`)."""
    to = params.get("to")
    recipients = [to] if isinstance(to, str) else list(to or [])
    payload = {
        "to": recipients,
        "subject": str(params.get("subject", "")),
        "text": str(params.get("text", "")),
    }
    ctx.enqueue(CHANNEL, payload, key=f"email-send:{uuid.uuid4()}")
    return {"queued": True, "to": recipients}


def register(
    handlers: DeliveryRegistry,
    operators: OperatorRegistry | None = None,
    settings: Callable[[], SmtpSettings] = SmtpSettings,
) -> None:
    """Register the SMTP handler for channel "email" (and the `email/Send` operator).

    `settings` is asked at each delivery; the default keeps every mail in the sink.
    """
    handlers.register(CHANNEL, lambda message: deliver(message, settings()))
    if operators is not None:
        operators.register(
            "email/Send",
            send_operator,
            description="Send an e-mail through the outbox",
            parameters={"to": "list[str]", "subject": "str", "text": "str"},
        )
