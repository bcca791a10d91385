"""The engine's wiring: what the application installs into the engine, held in one object.

The app factory builds one `EngineEnvironment` per app and hands it to every step,
timer run, outbox delivery and job; nothing the engine calls out to lives in a
module global. Packages contribute with their own `install(environment, ...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from engine.models import HumanTask, ProcessInstance
from engine.operators import OperatorRegistry
from engine.outbox import DeliveryListeners, DeliveryRegistry, RetryPolicy

__all__ = [
    "CompletedHook",
    "EngineEnvironment",
    "HumanTaskCandidateListener",
    "HumanTaskListener",
    "HumanTaskWriteListener",
    "MessageWaitHook",
    "StepHooks",
]

MessageWaitHook = Callable[[Session, ProcessInstance, set[str]], None]
CompletedHook = Callable[[Session, ProcessInstance], None]

# Called once per new ready human task, after the step's flush and inside its transaction
# (the row has its id): notifications listen here. The listeners get the engine's own
# types only; whoever registers one knows what the task is about.
HumanTaskListener = Callable[[Session, HumanTask], None]

# Called once per step that wrote human_task rows with Core statements (which no ORM
# flush event shows): the ids of the rows it inserted and of the rows whose status or
# assignee it changed. Projections of the tasks (the inbox) listen here.
HumanTaskWriteListener = Callable[[Session, list[int], list[int]], None]

# Called with the ids of candidate rows added to tasks that already existed (e.g. an
# escalation widening who may take a task), after they are written.
HumanTaskCandidateListener = Callable[[Session, list[int]], None]


@dataclass
class StepHooks:
    """Callbacks run at the end of a step's save, in its transaction.

    `message_wait` hears which messages an instance waits for (so messages that
    arrived early can be handed over); `completed` hears that an instance ended
    (so a follow-up process can start). Hooks may step other instances, or the
    same one again: its state is saved before they run.
    """

    message_wait: list[MessageWaitHook] = field(default_factory=list)
    completed: list[CompletedHook] = field(default_factory=list)


@dataclass
class EngineEnvironment:
    """Operators, outbox handlers and listeners, step hooks, retry policy and storage."""

    operators: OperatorRegistry = field(default_factory=OperatorRegistry)
    handlers: DeliveryRegistry = field(default_factory=DeliveryRegistry)
    delivery_listeners: DeliveryListeners = field(default_factory=DeliveryListeners)
    hooks: StepHooks = field(default_factory=StepHooks)
    human_task_listeners: list[HumanTaskListener] = field(default_factory=list)
    human_task_write_listeners: list[HumanTaskWriteListener] = field(default_factory=list)
    human_task_candidate_listeners: list[HumanTaskCandidateListener] = field(default_factory=list)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # How jobs get a database session (the app's scoped session); None outside an app.
    session_factory: Callable[[], Session] | None = None

    def session(self) -> Session:
        """Return a session for a background job (the app hands the engine its storage)."""
        if self.session_factory is None:
            raise RuntimeError("this engine environment has no session factory (set by the app)")
        return self.session_factory()

    def report_task_writes(self, session: Session, created: list[int], changed: list[int]) -> None:
        """Tell the write listeners which human_task rows a change inserted or changed."""
        if created or changed:
            for on_write in self.human_task_write_listeners:
                on_write(session, created, changed)

    def report_candidates_added(self, session: Session, candidate_ids: list[int]) -> None:
        """Tell the candidate listeners which candidate rows were added to existing tasks."""
        if candidate_ids:
            for on_added in self.human_task_candidate_listeners:
                on_added(session, candidate_ids)
