"""Inbox pages: the task list with tabs and filters, one task with its form and actions."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from contracts.core import service
from contracts.core.reference_data import contract_type_choices, department_choices
from contracts.errors import ValidationError
from contracts.inbox import actions, queries
from engine import clock
from engine.errors import ConflictError
from engine.models import HumanTaskStatus
from webui.auth import current_actor
from webui.extensions import db
from webui.field_messages import is_sentence, localize
from webui.forms_render import UnknownFieldError, parse_form, render_form
from webui.inbox import bp
from webui.inbox.documents import documents_of
from webui.inbox.filter_summary import active_filters
from webui.inbox.filters import read_filters
from webui.redirects import safe_next
from webui.settings import message_settings
from webui.wiring import engine_environment


def _tabs() -> list[tuple[str | None, str]]:
    return [
        (None, _("To do")),
        ("mine", _("Assigned to me")),
        ("groups", _("My groups")),
        ("completed", _("Completed by me")),
        ("started", _("Started by me")),
    ]


def _sorts() -> list[tuple[str, str]]:
    return [
        ("due", _("Due date, soonest first")),
        ("-due", _("Due date, latest first")),
        ("-created", _("Newest first")),
        ("created", _("Oldest first")),
        ("-amount", _("Amount, largest first")),
        ("amount", _("Amount, smallest first")),
    ]


def _due_windows() -> list[tuple[str, str]]:
    return [
        ("overdue", _("Overdue")),
        ("today", _("Due within 24 hours")),
        ("week", _("Due within 7 days")),
    ]


def _unfiltered(filters: queries.TaskFilters) -> bool:
    narrowed = (filters.contract_type, filters.department, filters.q, filters.due)
    ranges = (filters.overdue, filters.amount_min, filters.amount_max)
    return not any(narrowed) and all(value is None for value in ranges)


@bp.get("/")
@login_required
def index() -> str:
    filters = read_filters()
    actor = current_actor()
    counts: dict[str | None, int] = {
        scope: n for scope, n in queries.tab_counts(db.session, filters, actor).items()
    }
    counts[None] = counts["mine"] + counts["groups"]
    total = counts[filters.scope]
    views = queries.page_of_tasks(db.session, filters, actor) if total else []
    if _unfiltered(filters):
        g.ready_task_count = counts[None]  # the nav's count: no second query
    template = "inbox/_results.html" if request.headers.get("HX-Request") else "inbox/index.html"
    contract_types = contract_type_choices(db.session)
    departments = department_choices(db.session)
    due_windows = _due_windows()
    return render_template(
        template,
        views=views,
        total=total,
        counts=counts,
        filters=filters,
        active_filters=active_filters(filters, contract_types, departments, due_windows),
        pages=max(1, -(-total // filters.per_page)),
        tabs=_tabs(),
        sorts=_sorts(),
        due_windows=due_windows,
        contract_types=contract_types,
        departments=departments,
        now=clock.now(),
    )


def _render_task(
    view: queries.TaskView,
    values: Any = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    from webui.settings import form_library

    actor = current_actor()
    task = view.task
    form = queries.form_for(task, form_library())
    errors = localize(errors or {})
    fields_html = render_form(
        form["schema"],
        form["ui_schema"],
        values or {},
        errors,
        translate=_,
        required_label=_("required"),
        choose_label=_("Choose…"),
    )
    events = service.timeline(db.session, view.contract.id, actor) if view.contract else []
    ready = task.status == HumanTaskStatus.READY
    html = render_template(
        "inbox/task.html",
        task=task,
        contract=view.contract,
        documents=documents_of(view.contract, actor),
        events=events,
        schema=form["schema"],
        fields_html=fields_html,
        errors=errors or {},
        known_fields=_field_names(form["schema"]),
        actionable=ready and task.assignee in (None, actor.username),
        ready=ready,
        now=clock.now(),
    )
    return html, status


def _field_names(schema: dict[str, Any]) -> set[str]:
    from webui.forms_render.fields import all_names

    return all_names(schema)


def _back_to(task_id: int) -> Response:
    return redirect(safe_next(request.form.get("next"), url_for("inbox.task", task_id=task_id)))


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id: int) -> tuple[str, int]:
    html = _render_task(queries.get_task(db.session, task_id, current_actor()))
    db.session.commit()  # the timeline and document list it shows are audited
    return html


@bp.post("/tasks/<int:task_id>")
@login_required
def complete(task_id: int) -> tuple[str, int] | Response:
    from webui.settings import form_library

    actor = current_actor()
    view = queries.get_task(db.session, task_id, actor)
    try:
        data = parse_form(queries.form_for(view.task, form_library())["schema"], request.form)
        done = actions.complete_task(
            db.session, task_id, data, actor, form_library(), engine_environment()
        )
    except UnknownFieldError as exc:
        db.session.rollback()
        errors = {name: [_("is not a field of this form")] for name in exc.names}
        return _render_task(queries.get_task(db.session, task_id, actor), request.form, errors, 422)
    except ValidationError as exc:
        db.session.rollback()
        view = queries.get_task(db.session, task_id, actor)
        return _render_task(view, request.form, exc.details, 422)
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("inbox.task", task_id=task_id))
    db.session.commit()
    if done.contract:
        flash(
            _("Done: %(task)s on %(number)s.", task=done.task.name, number=done.contract.number),
            "success",
        )
    else:
        flash(_("Done: %(task)s.", task=done.task.name), "success")
    return redirect(url_for("inbox.index"))


def _problem(field: str, messages: Any) -> str:
    """One field's refusal for a flash: sentences name their field, other messages get its key."""
    items = [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
    return " ".join(items) if all(map(is_sentence, items)) else f"{field}: {', '.join(items)}"


def _act(task_id: int, action: Any, success: str) -> Response:
    """Run a task action from a small form; a refused one is flashed, nothing recorded."""
    try:
        action()
    except (ConflictError, ValidationError) as exc:
        db.session.rollback()
        details = localize(exc.details) if isinstance(exc.details, dict) else {}
        problems = "; ".join(_problem(k, v) for k, v in details.items())
        flash(problems or exc.message, "error")
        return _back_to(task_id)
    db.session.commit()
    flash(success, "success")
    return _back_to(task_id)


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> Response:
    actor = current_actor()
    return _act(
        task_id,
        lambda: actions.claim_task(db.session, task_id, actor, engine_environment()),
        _("The task is yours now."),
    )


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> Response:
    actor = current_actor()
    return _act(
        task_id,
        lambda: actions.unclaim_task(db.session, task_id, actor, engine_environment()),
        _("The task went back to its groups."),
    )


@bp.post("/tasks/<int:task_id>/delegate")
@login_required
def delegate(task_id: int) -> Response:
    actor = current_actor()
    to = request.form.get("to", "")
    return _act(
        task_id,
        lambda: actions.delegate_task(
            db.session,
            task_id,
            to,
            request.form.get("note"),
            actor,
            engine_environment(),
            message_settings(),
        ),
        _("The task was delegated to %(user)s.", user=to),
    )


@bp.post("/tasks/<int:task_id>/comment")
@login_required
def comment(task_id: int) -> Response:
    actor = current_actor()
    text = request.form.get("comment")
    return _act(
        task_id,
        lambda: actions.comment_on_task(db.session, task_id, text, actor),
        _("Your comment was added."),
    )
