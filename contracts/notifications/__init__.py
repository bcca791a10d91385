"""Notifications: the bell (`service.notify`, `models.Notification`), task and delegation mail,
the links messages carry (`links.Links`) and what writing them needs (`settings.MessageSettings`).
"""

from __future__ import annotations

from contracts.notifications.settings import MessageSettings
from engine.environment import EngineEnvironment


def install(environment: EngineEnvironment, messages: MessageSettings | None = None) -> None:
    """Notify the candidates of every new human task (in-app and by e-mail), with `messages`."""
    from contracts.notifications.service import TaskNotifier

    environment.human_task_listeners.append(TaskNotifier(messages or MessageSettings()))
