"""Connector settings, incidents, inbound webhook deliveries, and the built-in mail/SMS sink."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine import clock
from engine.db import Base


class AuthType(StrEnum):
    NONE = "none"
    BEARER = "bearer"
    BASIC = "basic"
    HMAC = "hmac"


class ConnectorConfig(Base):
    """One installation's settings for a connector; secrets are stored encrypted."""

    __tablename__ = "connector_config"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    base_url: Mapped[str] = mapped_column(String(500), default="")
    auth_type: Mapped[AuthType] = mapped_column(String(20), default=AuthType.NONE)
    username: Mapped[str] = mapped_column(String(200), default="")
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    webhook_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    timeout_seconds: Mapped[float] = mapped_column(Float, default=10.0)
    test_path: Mapped[str] = mapped_column(String(200), default="/health")
    field_mappings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_by: Mapped[str | None] = mapped_column(String(80))


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Incident(Base):
    """A delivery that failed for good: the instance waits until an admin retries it."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[IncidentStatus] = mapped_column(String(20), default=IncidentStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(80))


class InboundStatus(StrEnum):
    DELIVERED = "delivered"  # handed to a waiting instance
    PENDING = "pending"  # no instance waits yet; kept until it does or the TTL ends
    EXPIRED = "expired"  # nobody waited within the TTL
    REJECTED = "rejected"  # malformed or failed its schema


class InboundEvent(Base):
    """One signed webhook delivery, stored once per (connector, delivery id)."""

    __tablename__ = "inbound_event"
    __table_args__ = (
        UniqueConstraint("connector", "delivery_id"),
        Index("ix_inbound_event_status_key", "status", "business_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connector: Mapped[str] = mapped_column(String(40))
    delivery_id: Mapped[str] = mapped_column(String(120))
    event_type: Mapped[str | None] = mapped_column(String(120))
    business_key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[InboundStatus] = mapped_column(String(20))
    payload: Mapped[dict[str, Any] | None]
    received_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    expires_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    response_status: Mapped[int] = mapped_column(default=202)
    response_body: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SinkChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class SinkMessage(Base):
    """A mail or text message kept by the built-in sink because no server is configured."""

    __tablename__ = "sink_message"
    __table_args__ = (Index("ix_sink_message_channel_created", "channel", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[SinkChannel] = mapped_column(String(10))
    sender: Mapped[str] = mapped_column(String(320), default="")
    recipients: Mapped[list[str]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id"), unique=True
    )
