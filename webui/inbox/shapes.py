"""API shapes of approval tasks: a task, its page, counts, and the actions' bodies."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from contracts.inbox.queries import TaskView
from webui.api.shapes import Omitted, Shape, Timestamp
from webui.contracts.shapes import Contract


class Task(Shape):
    id: int
    name: str
    bpmn_id: str
    status: str | Omitted = None
    process_instance_id: int
    contract_id: int | None
    contract_number: str | None = None
    candidate_groups: list[str]
    candidate_users: list[str] | Omitted = None
    assignee: str | None
    created_at: Timestamp
    due_at: Timestamp | None
    overdue: bool | Omitted = None
    form: Any = Field(
        description="the form's schema file name, or (single task) the JSON Schema itself"
    )
    ui_schema: dict[str, Any] | Omitted = None
    contract: Contract | Omitted = None


class TaskPage(Shape):
    items: list[Task]
    total: int
    page: int | Omitted = None
    per_page: int | Omitted = None


class TaskCompletion(Shape):
    data: dict[str, Any] = Field(description="validated against the task's form")


class TaskCounts(Shape):
    mine: int | Omitted = None
    groups: int | Omitted = None
    completed: int | Omitted = None
    started: int | Omitted = None


class TaskDelegation(Shape):
    to: str = Field(description="user name of a candidate of the task")
    note: str | Omitted = Field(None, max_length=4000)


class TaskComment(Shape):
    comment: str = Field(min_length=1, max_length=4000)


class TaskCompleted(Shape):
    task: Task
    contract: Contract | None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def task_json(view: TaskView, *, now: Any = None) -> dict[str, Any]:
    """Serialize a task (without its form schema or contract)."""
    task = view.task
    return Task.render(
        {
            "id": task.id,
            "name": task.name,
            "bpmn_id": task.bpmn_id,
            "status": str(task.status),
            "process_instance_id": task.instance_id,
            "contract_id": view.contract.id if view.contract else None,
            "contract_number": view.contract.number if view.contract else None,
            "candidate_groups": task.candidate_groups,
            "candidate_users": task.candidate_users,
            "assignee": task.assignee,
            "created_at": _iso(task.created_at),
            "due_at": _iso(task.due_at),
            "overdue": bool(now and task.due_at and task.due_at < now),
            "form": task.form_schema or "approval.schema.json",
        }
    )
