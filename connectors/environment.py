"""What the connectors need from the application, handed over once at start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from connectors.secret_box import SecretBox


@dataclass
class ConnectorEnvironment:
    box: SecretBox
    events_dir: Path
    inbound_ttl: timedelta = timedelta(days=7)
    replay_window: timedelta = timedelta(minutes=5)
    po_reminder_period: str = "P3D"


_current: ConnectorEnvironment | None = None


def configure(environment: ConnectorEnvironment) -> None:
    """Set the secret box, schema folder and periods (called by the app factory)."""
    global _current
    _current = environment


def current() -> ConnectorEnvironment:
    if _current is None:
        raise RuntimeError("connectors.environment.configure() was not called by the application")
    return _current
