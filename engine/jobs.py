"""Background jobs (Celery tasks), the same functions in both modes.

In the distributed mode `celery worker` runs them and `celery beat` schedules
them; in the embedded mode they run eagerly and the in-process ticker calls
them. Tasks take ids only. The app hands the jobs their session and operators
with `configure()`; the engine never builds storage itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from sqlalchemy.orm import Session

from engine import outbox, timers
from engine.operators import OperatorRegistry
from engine.operators import registry as default_registry


@dataclass
class JobEnvironment:
    session: Callable[[], Session]
    operators: OperatorRegistry = default_registry


_environment: JobEnvironment | None = None


def configure(
    session: Callable[[], Session], operators: OperatorRegistry = default_registry
) -> None:
    """Tell the jobs how to get a database session (called by the app factory)."""
    global _environment
    _environment = JobEnvironment(session=session, operators=operators)


def _env() -> JobEnvironment:
    if _environment is None:
        raise RuntimeError("engine.jobs.configure() was not called by the application")
    return _environment


@shared_task(name="engine.fire_due_timers", ignore_result=True)
def fire_due_timers() -> int:
    """Fire every due timer (exactly once, whichever worker runs this)."""
    env = _env()
    return timers.fire_due_timers(env.session(), operators=env.operators)


@shared_task(name="engine.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    """Deliver due outbox messages (retries with backoff; dead letters after the last try)."""
    report = outbox.deliver_due(_env().session())
    return len(report.delivered)
