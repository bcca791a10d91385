"""What the connectors need from the application, handed over once at start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from connectors.secret_box import SecretBox
from engine.environment import EngineEnvironment


@dataclass
class ConnectorEnvironment:
    """The secret box, event schemas and periods, and the engine the connectors talk to."""

    box: SecretBox
    events_dir: Path
    engine: EngineEnvironment
    inbound_ttl: timedelta = timedelta(days=7)
    replay_window: timedelta = timedelta(minutes=5)
    po_reminder_period: str = "P3D"
