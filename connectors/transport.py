"""Send one request to another system and sort its answer: success, retry, or give up.

Success is any 2xx (its JSON body, or text, is the result). 408, 425, 429,
5xx, timeouts and connection errors are transient (the outbox retries); every
other 4xx is permanent (`PermanentDeliveryError`: an incident, no retry).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from connectors import signing
from connectors.models import AuthType
from engine.outbox import PermanentDeliveryError

TRANSIENT_STATUSES = {408, 425, 429}


class RemoteUnavailableError(Exception):
    """The other system did not answer usefully this time; try again later."""


@dataclass
class Endpoint:
    """Where and how to reach one connector's system (secrets already decrypted)."""

    base_url: str
    auth_type: AuthType = AuthType.NONE
    username: str = ""
    secret: str = ""
    timeout: float = 10.0


def url_for(endpoint: Endpoint, path_or_url: str) -> str:
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    if not endpoint.base_url:
        raise PermanentDeliveryError("the connector has no base URL configured")
    return endpoint.base_url.rstrip("/") + "/" + path_or_url.lstrip("/")


def request(
    endpoint: Endpoint,
    method: str,
    path_or_url: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Send the request; return `{"status", "body"}` or raise (transient or permanent)."""
    content = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    sent = {"Accept": "application/json", **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/json"
    if idempotency_key:
        sent["Idempotency-Key"] = idempotency_key
    sent.update(_auth_headers(endpoint, content))
    auth = (
        httpx.BasicAuth(endpoint.username, endpoint.secret)
        if endpoint.auth_type == AuthType.BASIC
        else None
    )
    try:
        with httpx.Client(timeout=endpoint.timeout, transport=transport) as client:
            response = client.request(
                method, url_for(endpoint, path_or_url), content=content, headers=sent, auth=auth
            )
    except httpx.TimeoutException as exc:
        raise RemoteUnavailableError(f"no answer within {endpoint.timeout} s") from exc
    except httpx.TransportError as exc:
        raise RemoteUnavailableError(f"{type(exc).__name__}: {exc}") from exc
    return _result(response)


def _auth_headers(endpoint: Endpoint, content: bytes) -> dict[str, str]:
    if endpoint.auth_type == AuthType.BEARER:
        return {"Authorization": f"Bearer {endpoint.secret}"}
    if endpoint.auth_type == AuthType.HMAC:
        timestamp = str(int(time.time()))
        return {
            signing.TIMESTAMP_HEADER: timestamp,
            signing.SIGNATURE_HEADER: signing.signature(endpoint.secret, timestamp, content),
        }
    return {}


def _result(response: httpx.Response) -> dict[str, Any]:
    status = response.status_code
    try:
        body: Any = response.json() if response.content else None
    except ValueError:
        body = response.text[:4000]
    if 200 <= status < 300:
        return {"status": status, "body": body}
    summary = f"HTTP {status} from {response.request.url}: {str(body)[:500]}"
    if status in TRANSIENT_STATUSES or status >= 500:
        raise RemoteUnavailableError(summary)
    raise PermanentDeliveryError(summary)
