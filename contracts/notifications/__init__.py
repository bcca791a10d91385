"""Notifications."""

from __future__ import annotations

from engine.environment import EngineEnvironment


def install(environment: EngineEnvironment) -> None:
    """Notify the candidates of every new human task (in-app and by e-mail)."""
    from contracts.notifications.service import on_human_task_created

    environment.human_task_listeners.append(on_human_task_created)
