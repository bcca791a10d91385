"""Read and change connector settings; secrets go in encrypted and never come back out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors import catalog, mapping, transport
from connectors.errors import ConnectorConfigError, UnknownConnectorError
from connectors.models import AuthType, ConnectorConfig
from connectors.secret_box import SecretBox
from connectors.transport import Endpoint
from contracts import audit
from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from engine import clock
from engine.outbox import PermanentDeliveryError


def known(name: str) -> bool:
    return name in catalog.CONNECTORS


def get_config(session: Session, name: str) -> ConnectorConfig:
    """Return a connector's settings row, creating the (disabled) default on first use."""
    if not known(name):
        raise UnknownConnectorError(f"there is no connector '{name}'", details={"connector": name})
    row = session.scalars(select(ConnectorConfig).where(ConnectorConfig.name == name)).first()
    if row is None:
        row = ConnectorConfig(name=name, field_mappings={})
        session.add(row)
        session.flush()
    return row


def all_configs(session: Session) -> list[ConnectorConfig]:
    return [get_config(session, name) for name in catalog.CONNECTORS]


def is_enabled(session: Session, name: str) -> bool:
    row = session.scalars(select(ConnectorConfig).where(ConnectorConfig.name == name)).first()
    return bool(row and row.enabled)


def endpoint(config: ConnectorConfig, box: SecretBox) -> Endpoint:
    """The connector's address and credentials, decrypted for one request."""
    secret = box.decrypt(config.secret_encrypted) if config.secret_encrypted else ""
    return Endpoint(
        base_url=config.base_url,
        auth_type=AuthType(config.auth_type),
        username=config.username,
        secret=secret,
        timeout=config.timeout_seconds,
    )


def webhook_secret(config: ConnectorConfig, box: SecretBox) -> str | None:
    if not config.webhook_secret_encrypted:
        return None
    return box.decrypt(config.webhook_secret_encrypted)


def mapping_for(config: ConnectorConfig, operation: str) -> dict[str, str]:
    """The admin's mapping of an operation when there is one, else the shipped one."""
    custom = (config.field_mappings or {}).get(operation)
    return dict(custom) if custom else catalog.default_mapping(operation)


def update_config(
    session: Session, name: str, changes: dict[str, Any], box: SecretBox, *, actor: str
) -> ConnectorConfig:
    """Apply an admin's changes; an empty secret keeps the stored one."""
    config = get_config(session, name)
    errors: dict[str, list[str]] = {}
    base_url = str(changes.get("base_url", config.base_url)).strip()
    if base_url and urlparse(base_url).scheme not in ("http", "https"):
        errors["base_url"] = ["must start with http:// or https://"]
    try:
        auth_type = AuthType(str(changes.get("auth_type", config.auth_type)))
    except ValueError:
        errors["auth_type"] = [f"must be one of {', '.join(a.value for a in AuthType)}"]
        auth_type = AuthType.NONE
    try:
        timeout = float(changes.get("timeout_seconds", config.timeout_seconds))
        if not 0.5 <= timeout <= 120:
            raise ValueError
    except (TypeError, ValueError):
        errors["timeout_seconds"] = ["must be a number of seconds from 0.5 to 120"]
        timeout = config.timeout_seconds
    mappings = changes.get("field_mappings", config.field_mappings) or {}
    try:
        mappings = {op: mapping.validate(m) for op, m in dict(mappings).items() if m}
    except (ConnectorConfigError, TypeError, ValueError) as exc:
        errors["field_mappings"] = [getattr(exc, "message", str(exc))]
    if errors:
        raise ConnectorConfigError("the connector settings are invalid", details=errors)
    config.base_url = base_url
    config.auth_type = auth_type
    config.username = str(changes.get("username", config.username)).strip()
    config.timeout_seconds = timeout
    config.test_path = str(changes.get("test_path", config.test_path) or "/").strip()
    config.enabled = bool(changes.get("enabled", config.enabled))
    config.field_mappings = mappings
    if changes.get("secret"):
        config.secret_encrypted = box.encrypt(str(changes["secret"]))
    if changes.get("webhook_secret"):
        config.webhook_secret_encrypted = box.encrypt(str(changes["webhook_secret"]))
    config.updated_at = clock.now()
    config.updated_by = actor
    session.flush()
    return config


def configure_connector(
    session: Session, name: str, changes: dict[str, Any], box: SecretBox, actor: Actor
) -> ConnectorConfig:
    """Apply an admin's changes to a connector's settings (see update_config); audit them."""
    if not actor.user.has_role("admin"):
        raise PermissionDeniedError("only admins configure connectors")
    config = update_config(session, name, changes, box, actor=actor.username)
    audit.record_as(session, "connector.configure", actor, object_type="connector", object_id=name)
    return config


def test_connection(config: ConnectorConfig, box: SecretBox) -> tuple[bool, str]:
    """GET the connector's test path with its credentials; say whether it answered 2xx."""
    try:
        result = transport.request(endpoint(config, box), "GET", config.test_path or "/")
    except (transport.RemoteUnavailableError, PermanentDeliveryError, ConnectorConfigError) as exc:
        return False, str(exc)
    return True, f"HTTP {result['status']}"
