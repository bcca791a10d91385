"""Service-task operators: the engine's only way to reach the outside world.

A BPMN service task names an operator (`spiffworkflow:serviceTaskOperator
id="contracts/SetStatus"`). Operators are registered in the app's engine
environment (`engine.environment`) at app start and called
inside the step's transaction with an `OperatorContext`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from engine.errors import WorkflowStepError
from engine.models import InstanceEvent, OutboxMessage, ProcessInstance

if TYPE_CHECKING:  # the environment holds an operator registry: no import at run time
    from engine.environment import EngineEnvironment

# The payload key naming the message that completes an asynchronous service task.
REPLY_KEY = "reply_message"


@dataclass
class OperatorContext:
    """What an operator may use: the session, the instance, the acting user, the task."""

    session: Session
    instance: ProcessInstance
    actor: str | None
    bpmn_id: str
    task_name: str
    data: dict[str, Any]
    # The running step's history buffer (written with the step's save); None outside a step.
    recorder: Callable[..., None] | None = None
    # The app's engine environment (listeners to tell of task writes); set by a step.
    env: EngineEnvironment | None = None

    def record_event(
        self, action: str, *, comment: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        """Add a line to the instance's history."""
        if self.recorder is not None:
            self.recorder(
                action,
                bpmn_id=self.bpmn_id,
                task_name=self.task_name,
                comment=comment,
                details=details,
            )
            return
        self.session.add(
            InstanceEvent(
                instance_id=self.instance.id,
                actor=self.actor,
                action=action,
                bpmn_id=self.bpmn_id,
                task_name=self.task_name,
                comment=comment,
                details=details,
            )
        )

    def enqueue(
        self,
        channel: str,
        payload: dict[str, Any],
        *,
        key: str | None = None,
        reply_message: str | None = None,
    ) -> OutboxMessage:
        """Write an outbox row for another system, in this step's transaction.

        With `reply_message` the service task is asynchronous: the process
        waits on a message of that name, which the outbox sends to the
        instance with the other system's answer once delivery succeeded.
        """
        body = dict(payload)
        if reply_message:
            body[REPLY_KEY] = reply_message
        message = OutboxMessage(
            instance_id=self.instance.id,
            channel=channel,
            payload=body,
            idempotency_key=key or str(uuid.uuid4()),
        )
        self.session.add(message)
        self.session.flush()
        return message


Operator = Callable[[OperatorContext, dict[str, Any]], Any]


@dataclass
class OperatorSpec:
    name: str
    func: Operator
    description: str = ""
    parameters: dict[str, str] = field(default_factory=dict)


class OperatorRegistry:
    """Named operators available to service tasks."""

    def __init__(self) -> None:
        self._operators: dict[str, OperatorSpec] = {}

    def register(
        self,
        name: str,
        func: Operator,
        *,
        description: str = "",
        parameters: dict[str, str] | None = None,
    ) -> None:
        """Register (or replace) an operator under its dotted/slashed name."""
        self._operators[name] = OperatorSpec(name, func, description, parameters or {})

    def get(self, name: str) -> OperatorSpec:
        try:
            return self._operators[name]
        except KeyError:
            raise WorkflowStepError(
                f"unknown service-task operator '{name}'",
                details={"operator": name, "known": sorted(self._operators)},
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._operators

    def names(self) -> list[str]:
        return sorted(self._operators)
