"""Inbox."""

from __future__ import annotations

from engine.environment import EngineEnvironment


def install(environment: EngineEnvironment) -> None:
    """Keep the inbox entries (the task projection) in step with the engine's tasks."""
    from contracts.inbox import projection

    projection.install(environment)
