"""Background jobs (Celery tasks), the same functions in both modes.

In the distributed mode `celery worker` runs them and `celery beat` schedules
them; in the embedded mode they run eagerly and the in-process ticker calls
them. Tasks take ids only. Each task gets the app's engine environment (its
session, operators, handlers) from the task class the app installs
(`engine_environment()`, see webui/celery_app.py); the engine never builds
storage itself and keeps no wiring of its own.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from engine import outbox, timers
from engine.environment import EngineEnvironment


def environment_of(task: Any) -> EngineEnvironment:
    """Return the engine environment of the app the running task belongs to."""
    provide = getattr(task, "engine_environment", None)
    if provide is None:
        raise RuntimeError("the Celery task class does not provide engine_environment()")
    environment: EngineEnvironment = provide()
    return environment


@shared_task(name="engine.fire_due_timers", ignore_result=True, bind=True)
def fire_due_timers(self: Any) -> int:
    """Fire every due timer (exactly once, whichever worker runs this)."""
    env = environment_of(self)
    return timers.fire_due_timers(env.session(), env)


@shared_task(name="engine.deliver_outbox", ignore_result=True, bind=True)
def deliver_outbox(self: Any) -> int:
    """Deliver due outbox messages (retries with backoff; dead letters after the last try)."""
    env = environment_of(self)
    report = outbox.deliver_due(env.session(), env)
    return len(report.delivered)
