"""Lifecycle: activation, expiry notices, renewal, calendar and iCalendar feed."""

from __future__ import annotations

from contracts.notifications.settings import MessageSettings
from engine.environment import EngineEnvironment


def install(environment: EngineEnvironment, messages: MessageSettings | None = None) -> None:
    """Register the lifecycle process's operators (dates, reminders, renewal, expiry)."""
    from contracts.lifecycle.operators import register_lifecycle_operators

    register_lifecycle_operators(environment.operators, messages)
