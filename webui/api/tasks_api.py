"""The inbox over JSON: list, read, claim, unclaim, complete."""

from __future__ import annotations

from typing import Any

from flask_login import login_required

from contracts import inbox
from contracts.errors import ValidationError
from engine import clock
from webui.api import bp
from webui.api.params import QueryReader
from webui.api.schemas import contract_json, task_json
from webui.api.spec import json_object, operation, query
from webui.auth import current_actor
from webui.extensions import db
from webui.settings import form_library


def _task_detail(view: inbox.TaskView) -> dict[str, Any]:
    body = task_json(view, now=clock.now())
    form = inbox.form_for(view.task, form_library())
    body["form"] = form["schema"]
    body["ui_schema"] = form["ui_schema"]
    body["contract"] = contract_json(view.contract) if view.contract else None
    return body


@operation(
    bp,
    "/tasks",
    "GET",
    summary="Ready tasks you may act on",
    tags=["tasks"],
    params=[
        query("scope", {"type": "string", "enum": ["mine", "groups"]}),
        query("contract_type", {"type": "string"}),
        query("department", {"type": "string"}),
        query("overdue", {"type": "boolean"}),
        query("page", {"type": "integer", "minimum": 1}),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    ],
    responses={200: "TaskPage", 401: None, 422: None},
)
@login_required
def list_tasks() -> dict[str, Any]:
    read = QueryReader()
    filters = inbox.TaskFilters(
        scope=read.choice("scope", ("mine", "groups")),
        contract_type=read.text("contract_type"),
        department=read.text("department"),
        overdue=read.boolean("overdue"),
        page=read.integer("page", 1, 1, 100000),
        per_page=read.integer("per_page", 20, 1, 100),
    )
    read.done()
    views, total = inbox.list_tasks(db.session, filters, current_actor())
    now = clock.now()
    return {
        "items": [task_json(v, now=now) for v in views],
        "total": total,
        "page": filters.page,
        "per_page": filters.per_page,
    }


@operation(
    bp,
    "/tasks/<int:task_id>",
    "GET",
    summary="One task with its form and contract",
    tags=["tasks"],
    responses={200: "Task", 401: None, 403: None, 404: None},
)
@login_required
def get_task(task_id: int) -> dict[str, Any]:
    return _task_detail(inbox.get_task(db.session, task_id, current_actor()))


@operation(
    bp,
    "/tasks/<int:task_id>/claim",
    "POST",
    summary="Assign the task to me",
    tags=["tasks"],
    responses={200: "Task", 401: None, 403: None, 404: None, 409: None},
)
@login_required
def claim_task(task_id: int) -> dict[str, Any]:
    view = inbox.claim_task(db.session, task_id, current_actor())
    db.session.commit()
    return task_json(view, now=clock.now())


@operation(
    bp,
    "/tasks/<int:task_id>/unclaim",
    "POST",
    summary="Give the task back to its groups",
    tags=["tasks"],
    responses={200: "Task", 401: None, 403: None, 404: None, 409: None},
)
@login_required
def unclaim_task(task_id: int) -> dict[str, Any]:
    view = inbox.unclaim_task(db.session, task_id, current_actor())
    db.session.commit()
    return task_json(view, now=clock.now())


@operation(
    bp,
    "/tasks/<int:task_id>/complete",
    "POST",
    summary="Complete the task with form data",
    tags=["tasks"],
    body="TaskCompletion",
    responses={
        200: "TaskCompleted",
        400: None,
        401: None,
        403: None,
        404: None,
        409: None,
        415: None,
        422: None,
    },
)
@login_required
def complete_task(task_id: int) -> dict[str, Any]:
    body = json_object()
    if "data" not in body:
        raise ValidationError({"data": ["is required"]})
    view = inbox.complete_task(db.session, task_id, body["data"], current_actor(), form_library())
    db.session.commit()
    return {
        "task": task_json(view, now=clock.now()),
        "contract": contract_json(view.contract) if view.contract else None,
    }
