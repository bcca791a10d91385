"""Errors raised by the engine.

    EngineError                       code
     ├── InvalidInputError            invalid_input        (-> 422)
     │    └── DefinitionError         invalid_definition   BPMN/DMN rejected, per element
     ├── NotFoundError                not_found            (-> 404)
     ├── ForbiddenError               forbidden            (-> 403)
     ├── ConflictError                conflict             (-> 409)
     │    ├── ConcurrentUpdateError   concurrent_update    someone else saved first
     │    └── TaskNotReadyError       task_not_ready       completed, cancelled or claimed
     └── WorkflowStepError            workflow_error       a script, gateway or operator failed

Other packages subclass the four kinds (invalid input, not found, forbidden,
conflict); the web layer maps the kind to an HTTP status, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditNote:
    """What the web layer records in the audit log when it answers with an error.

    A lookup that hides an object the actor may not see raises a plain 404 with a
    note, so the audit tells a hidden object from a missing one and the client can't.
    """

    action: str
    object_type: str | None = None
    object_id: str | None = None
    reason: str | None = None


class EngineError(Exception):
    """Base of every error this application raises on purpose."""

    code = "error"

    def __init__(
        self, message: str, *, details: Any = None, audit: AuditNote | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.audit = audit


class InvalidInputError(EngineError):
    code = "invalid_input"


class DefinitionError(InvalidInputError):
    """A BPMN/DMN bundle was rejected; `details` lists problems per element."""

    code = "invalid_definition"


class NotFoundError(EngineError):
    code = "not_found"


class ForbiddenError(EngineError):
    code = "forbidden"


class ConflictError(EngineError):
    code = "conflict"


class ConcurrentUpdateError(ConflictError):
    code = "concurrent_update"


class TaskNotReadyError(ConflictError):
    code = "task_not_ready"


class WorkflowStepError(EngineError):
    """A step failed inside the workflow; nothing of the step was saved."""

    code = "workflow_error"
