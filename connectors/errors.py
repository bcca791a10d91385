"""Errors of the connectors package.

engine.errors.NotFoundError
 └── UnknownConnectorError     unknown_connector   (-> 404)
engine.errors.ForbiddenError
 └── SinkAccessDeniedError     permission_denied   only admins read the mail/SMS sink (-> 403)
engine.errors.InvalidInputError
 └── ConnectorConfigError      connector_config    a setting or field mapping is invalid (-> 422)
WebhookRejectedError           webhook_rejected    the base of every refused inbound delivery
 ├── WebhookSignatureError     bad_signature       missing or wrong HMAC (-> 401)
 ├── WebhookStaleError         stale_timestamp     outside the replay window (-> 401)
 ├── WebhookMalformedError     malformed_body      not JSON / no delivery id (-> 400)
 └── WebhookSchemaError        schema_failed       the payload breaks its event's schema (-> 422)
"""

from __future__ import annotations

from typing import Any

from engine.errors import EngineError, ForbiddenError, InvalidInputError, NotFoundError


class UnknownConnectorError(NotFoundError):
    code = "unknown_connector"


class SinkAccessDeniedError(ForbiddenError):
    code = "permission_denied"


class ConnectorConfigError(InvalidInputError):
    code = "connector_config"


class WebhookRejectedError(EngineError):
    """An inbound delivery that is refused; `status` is the HTTP answer."""

    code = "webhook_rejected"
    status = 400

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message, details=details)


class WebhookSignatureError(WebhookRejectedError):
    code = "bad_signature"
    status = 401


class WebhookStaleError(WebhookRejectedError):
    code = "stale_timestamp"
    status = 401


class WebhookMalformedError(WebhookRejectedError):
    code = "malformed_body"
    status = 400


class WebhookSchemaError(WebhookRejectedError):
    code = "schema_failed"
    status = 422
