"""The inbox over JSON: list and count, read, claim, unclaim, delegate, comment, complete."""

from __future__ import annotations

from typing import Any

from flask_login import login_required

from contracts.errors import ValidationError
from contracts.inbox import actions, queries
from engine import clock
from webui.api import bp
from webui.api.spec import json_object, operation, refusals
from webui.auth import current_actor
from webui.contracts.shapes import contract_json
from webui.extensions import db
from webui.inbox import shapes
from webui.inbox.filters import openapi_params, read_filters
from webui.inbox.shapes import task_json
from webui.settings import form_library, message_settings
from webui.wiring import engine_environment


def _task_detail(view: queries.TaskView) -> dict[str, Any]:
    body = task_json(view, now=clock.now())
    form = queries.form_for(view.task, form_library())
    body["form"] = form["schema"]
    body["ui_schema"] = form["ui_schema"]
    body["contract"] = contract_json(view.contract) if view.contract else None
    return shapes.Task.render(body)


@operation(
    bp,
    "/tasks",
    "GET",
    summary="Tasks you may act on, completed or started: filtered, searched, sorted",
    tags=["tasks"],
    params=openapi_params(),
    responses={200: shapes.TaskPage, 401: None, 422: None},
)
@login_required
def list_tasks() -> dict[str, Any]:
    filters = read_filters()
    views, total = queries.list_tasks(db.session, filters, current_actor())
    now = clock.now()
    return shapes.TaskPage.render(
        {
            "items": [task_json(v, now=now) for v in views],
            "total": total,
            "page": filters.page,
            "per_page": filters.per_page,
        }
    )


@operation(
    bp,
    "/tasks/counts",
    "GET",
    summary="How many tasks each inbox tab holds under the same filters",
    tags=["tasks"],
    params=[p for p in openapi_params() if p["name"] not in ("scope", "page", "per_page", "sort")],
    responses={200: shapes.TaskCounts, 401: None, 422: None},
)
@login_required
def task_counts() -> dict[str, Any]:
    return shapes.TaskCounts.render(queries.tab_counts(db.session, read_filters(), current_actor()))


@operation(
    bp,
    "/tasks/<int:task_id>",
    "GET",
    summary="One task with its form and contract",
    tags=["tasks"],
    responses={200: shapes.Task, 401: None, 403: None, 404: None},
)
@login_required
def get_task(task_id: int) -> dict[str, Any]:
    return _task_detail(queries.get_task(db.session, task_id, current_actor()))


@operation(
    bp,
    "/tasks/<int:task_id>/claim",
    "POST",
    summary="Assign the task to me",
    tags=["tasks"],
    responses={200: shapes.Task, 401: None, 403: None, 404: None, 409: None},
)
@login_required
def claim_task(task_id: int) -> dict[str, Any]:
    view = actions.claim_task(db.session, task_id, current_actor(), engine_environment())
    db.session.commit()
    return task_json(view, now=clock.now())


@operation(
    bp,
    "/tasks/<int:task_id>/unclaim",
    "POST",
    summary="Give the task back to its groups",
    tags=["tasks"],
    responses={200: shapes.Task, 401: None, 403: None, 404: None, 409: None},
)
@login_required
def unclaim_task(task_id: int) -> dict[str, Any]:
    view = actions.unclaim_task(db.session, task_id, current_actor(), engine_environment())
    db.session.commit()
    return task_json(view, now=clock.now())


@operation(
    bp,
    "/tasks/<int:task_id>/complete",
    "POST",
    summary="Complete the task with form data",
    tags=["tasks"],
    body=shapes.TaskCompletion,
    responses={200: shapes.TaskCompleted, **refusals(400, 401, 403, 404, 409, 415, 422)},
)
@login_required
def complete_task(task_id: int) -> dict[str, Any]:
    body = json_object()
    if "data" not in body:
        raise ValidationError({"data": ["is required"]})
    view = actions.complete_task(
        db.session, task_id, body["data"], current_actor(), form_library(), engine_environment()
    )
    db.session.commit()
    return shapes.TaskCompleted.render(
        {
            "task": task_json(view, now=clock.now()),
            "contract": contract_json(view.contract) if view.contract else None,
        }
    )


@operation(
    bp,
    "/tasks/<int:task_id>/delegate",
    "POST",
    summary="Hand the task to another candidate, with a note",
    tags=["tasks"],
    body=shapes.TaskDelegation,
    responses={200: shapes.Task, 400: None, 401: None, 403: None, 404: None, 409: None, 422: None},
)
@login_required
def delegate_task(task_id: int) -> dict[str, Any]:
    body = json_object()
    view = actions.delegate_task(
        db.session,
        task_id,
        body.get("to"),
        body.get("note"),
        current_actor(),
        engine_environment(),
        message_settings(),
    )
    db.session.commit()
    return task_json(view, now=clock.now())


@operation(
    bp,
    "/tasks/<int:task_id>/comments",
    "POST",
    summary="Comment on the task without completing it",
    tags=["tasks"],
    body=shapes.TaskComment,
    responses={201: shapes.Task, 400: None, 401: None, 403: None, 404: None, 409: None, 422: None},
)
@login_required
def comment_on_task(task_id: int) -> tuple[dict[str, Any], int]:
    body = json_object()
    view = actions.comment_on_task(db.session, task_id, body.get("comment"), current_actor())
    db.session.commit()
    return task_json(view, now=clock.now()), 201
