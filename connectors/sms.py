"""SMS: the HTTP gateway delivery handler for outbox channel "sms" and the `sms/Send` operator.

Anyone may enqueue a text message by writing an outbox message on channel
``"sms"`` (inside a step: ``ctx.enqueue("sms", {"to": "+86…", "text": "…"}, key=…)``).
The handler POSTs ``{"to", "text", "idempotency_key"}`` as JSON to the gateway,
with ``Authorization: Bearer <token>`` when a token is set, so the gateway can
drop a repeat after an at-least-once retry. A 4xx answer (or a payload that
cannot be a text message) is permanent: the message goes to the dead letters.
A 5xx answer, a timeout or a connection failure is retried with backoff; the error
then names the gateway (``[SMS gateway <url>]``) so the outbox can say which one failed.

With no gateway URL set (an embedded installation) the text message does not
leave the machine: it is kept in the built-in sink (`connectors.sink`), readable
by admins at /admin/sms, and the outbox row counts as delivered.

Settings are handed in by the caller as a function that returns `SmsSettings`; the app
factory passes `webui.config.sms_settings`, which reads these variables at each delivery:

=================================  ===================================  =======
``CONTRACTFLOW_SMS_GATEWAY_URL``   where to POST                         none: the built-in sink
``CONTRACTFLOW_SMS_TOKEN``         bearer token for the gateway          none
``CONTRACTFLOW_SMS_TIMEOUT``       seconds per request                   10
=================================  ===================================  =======
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from connectors import sink
from engine.models import OutboxMessage
from engine.operators import OperatorContext, OperatorRegistry
from engine.outbox import DeliveryRegistry, PermanentDeliveryError

__all__ = ["CHANNEL", "GatewayError", "SmsSettings", "deliver", "register", "send_operator"]

CHANNEL = "sms"
MAX_TEXT = 1000


class GatewayError(Exception):
    """The gateway failed for now (5xx, timeout, refused): the outbox retries."""


@dataclass(frozen=True)
class SmsSettings:
    gateway_url: str | None = None
    token: str | None = None
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmsSettings:
        """Parse the CONTRACTFLOW_SMS_* variables of `env`."""
        return cls(
            gateway_url=env.get("CONTRACTFLOW_SMS_GATEWAY_URL") or None,
            token=env.get("CONTRACTFLOW_SMS_TOKEN") or None,
            timeout=float(env.get("CONTRACTFLOW_SMS_TIMEOUT", "10")),
        )

    @property
    def shown_url(self) -> str:
        """The gateway URL without user name, password, query or fragment (safe to show)."""
        if not self.gateway_url:
            return ""
        parts = urlsplit(self.gateway_url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))


def deliver(message: OutboxMessage, settings: SmsSettings | None = None) -> None:
    """POST one text message to the gateway; raise to retry or PermanentDeliveryError."""
    settings = settings or SmsSettings()
    to, text = message.payload.get("to"), message.payload.get("text")
    if not isinstance(to, str) or not to.strip() or not isinstance(text, str) or not text:
        raise PermanentDeliveryError("an SMS needs a phone number 'to' and a 'text'")
    if not settings.gateway_url:
        sink.store(message, sink.SinkChannel.SMS, sender="", recipients=[to], subject="", text=text)
        return
    if not settings.gateway_url.startswith(("http://", "https://")):
        raise PermanentDeliveryError(f"the SMS gateway URL {settings.shown_url!r} is not HTTP")
    gateway = f"[SMS gateway {settings.shown_url}]"
    body = json.dumps(
        {"to": to, "text": text[:MAX_TEXT], "idempotency_key": message.idempotency_key}
    ).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": message.idempotency_key}
    if settings.token:
        headers["Authorization"] = f"Bearer {settings.token}"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        settings.gateway_url, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode(errors="replace")
        if 400 <= exc.code < 500:
            raise PermanentDeliveryError(
                f"SMS gateway answered {exc.code}: {detail} {gateway}"
            ) from exc
        raise GatewayError(f"SMS gateway answered {exc.code}: {detail} {gateway}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayError(f"SMS gateway unreachable: {exc} {gateway}") from exc


def send_operator(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Service task `sms/Send`: queue a text message (params `to`, `text`)."""
    to, text = str(params.get("to") or ""), str(params.get("text") or "")
    ctx.enqueue(CHANNEL, {"to": to, "text": text}, key=f"sms-send:{uuid.uuid4()}")
    return {"queued": True, "to": to}


def register(
    handlers: DeliveryRegistry,
    operators: OperatorRegistry | None = None,
    settings: Callable[[], SmsSettings] = SmsSettings,
) -> None:
    """Register the gateway handler for channel "sms" (and the `sms/Send` operator).

    `settings` is asked at each delivery; the default keeps every text message in the sink.
    """
    handlers.register(CHANNEL, lambda message: deliver(message, settings()))
    if operators is not None:
        operators.register(
            "sms/Send",
            send_operator,
            description="Send a text message through the SMS gateway (outbox)",
            parameters={"to": "str", "text": "str"},
        )
