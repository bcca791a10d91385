"""HMAC-SHA256 signatures over `timestamp + "." + body`, for both directions."""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-CF-Timestamp"
SIGNATURE_HEADER = "X-CF-Signature"
DELIVERY_HEADER = "X-CF-Delivery"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return the header value `sha256=<hex>` for a body sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    """Compare a received signature with the expected one in constant time."""
    return hmac.compare_digest(signature(secret, timestamp, body), given.strip())
