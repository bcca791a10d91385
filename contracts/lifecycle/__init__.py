"""Lifecycle."""

from __future__ import annotations

from engine.environment import EngineEnvironment


def install(environment: EngineEnvironment) -> None:
    """Register the lifecycle process's operators (dates, reminders, renewal, expiry)."""
    from contracts.lifecycle.operators import register_lifecycle_operators

    register_lifecycle_operators(environment.operators)
