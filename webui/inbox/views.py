"""Inbox pages: the task list, one task with its form, claim / unclaim / complete."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from contracts import inbox, service
from contracts.errors import ValidationError
from engine import clock
from engine.errors import ConflictError
from engine.models import HumanTaskStatus
from webui.api.params import QueryReader
from webui.auth import current_actor
from webui.extensions import db
from webui.inbox import bp
from webui.inbox.task_form import data_from_form, form_fields
from webui.settings import form_library

TABS = [(None, "All"), ("mine", "Assigned to me"), ("groups", "My groups")]


def _render_task(
    view: inbox.TaskView,
    values: Any = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    form = inbox.form_for(view.task, form_library())
    events = (
        service.timeline(db.session, view.contract.id, current_actor()) if view.contract else []
    )
    task = view.task
    actionable = task.status == HumanTaskStatus.READY and task.assignee in (
        None,
        current_actor().username,
    )
    html = render_template(
        "inbox/task.html",
        task=task,
        contract=view.contract,
        events=events,
        schema=form["schema"],
        fields=form_fields(form["schema"], form["ui_schema"]),
        values=values or {},
        errors=errors or {},
        actionable=actionable,
        ready=task.status == HumanTaskStatus.READY,
        now=clock.now(),
    )
    return html, status


def _back_to(task_id: int) -> Response:
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("inbox.task", task_id=task_id)
    return redirect(target)


@bp.get("/")
@login_required
def index() -> str:
    read = QueryReader()
    filters = inbox.TaskFilters(
        scope=read.choice("scope", ("mine", "groups")),
        page=read.integer("page", 1, 1, 100000),
        per_page=read.integer("per_page", 20, 1, 100),
    )
    read.done()
    views, total = inbox.list_tasks(db.session, filters, current_actor())
    pages = max(1, -(-total // filters.per_page))
    return render_template(
        "inbox/index.html",
        views=views,
        total=total,
        filters=filters,
        pages=pages,
        tabs=TABS,
        now=clock.now(),
    )


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id: int) -> tuple[str, int]:
    return _render_task(inbox.get_task(db.session, task_id, current_actor()))


@bp.post("/tasks/<int:task_id>")
@login_required
def complete(task_id: int) -> tuple[str, int] | Response:
    actor = current_actor()
    view = inbox.get_task(db.session, task_id, actor)
    data = data_from_form(inbox.form_for(view.task, form_library())["schema"], request.form)
    try:
        done = inbox.complete_task(db.session, task_id, data, actor, form_library())
    except ValidationError as exc:
        db.session.rollback()
        return _render_task(
            inbox.get_task(db.session, task_id, actor), request.form, exc.details, 422
        )
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("inbox.task", task_id=task_id))
    db.session.commit()
    number = f" on {done.contract.number}" if done.contract else ""
    flash(f"Done: {done.task.name}{number}.", "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> Response:
    try:
        inbox.claim_task(db.session, task_id, current_actor())
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to(task_id)
    db.session.commit()
    flash("The task is yours now.", "success")
    return _back_to(task_id)


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> Response:
    try:
        inbox.unclaim_task(db.session, task_id, current_actor())
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to(task_id)
    db.session.commit()
    flash("The task went back to its groups.", "success")
    return _back_to(task_id)
