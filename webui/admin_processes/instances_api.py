"""Instance monitor: list and inspect instances; suspend, resume, terminate, retry, migrate."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from flask import request
from flask_login import login_required

from contracts.process_admin import instances as process_admin
from engine.instances import InstanceFilters, MigrationReport
from engine.models import InstanceStatus, ProcessInstance
from webui.admin_processes import shapes
from webui.api import bp
from webui.api.params import QueryReader
from webui.api.spec import operation, query
from webui.auth import current_actor
from webui.contracts.shapes import event_json
from webui.extensions import db
from webui.wiring import engine_environment

_TAGS = ["admin-instances"]
_ERR = {401: None, 403: None, 404: None}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def instance_json(instance: ProcessInstance) -> dict[str, Any]:
    return {
        "id": instance.id,
        "key": instance.definition.key,
        "version": instance.definition.version,
        "definition_id": instance.definition_id,
        "status": str(instance.status),
        "business_key": instance.business_key,
        "started_by": instance.started_by,
        "started_at": _iso(instance.started_at),
        "updated_at": _iso(instance.updated_at),
        "completed_at": _iso(instance.completed_at),
        "next_timer_at": _iso(instance.next_timer_at),
        "error": instance.error,
    }


@operation(
    bp,
    "/admin/instances",
    "GET",
    summary="Process instances with filters",
    tags=_TAGS,
    params=[
        query("key", {"type": "string"}),
        query("version", {"type": "integer"}),
        query("status", {"type": "string", "enum": [s.value for s in InstanceStatus]}),
        query("business_key", {"type": "string"}),
        query("started_after", {"type": "string", "format": "date-time"}),
        query("started_before", {"type": "string", "format": "date-time"}),
        query("page", {"type": "integer", "minimum": 1}),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    ],
    responses={200: shapes.AdminInstancePage, 401: None, 403: None, 422: None},
)
@login_required
def list_instances() -> dict[str, Any]:
    read = QueryReader()
    filters = InstanceFilters(
        key=read.text("key"),
        version=read.integer("version", 0, 1, 10**6) or None,
        status=read.choice("status", tuple(s.value for s in InstanceStatus)),
        business_key=read.text("business_key"),
        started_after=read.moment("started_after"),
        started_before=read.moment("started_before"),
        page=read.integer("page", 1, 1, 100000),
        per_page=read.integer("per_page", 20, 1, 100),
    )
    read.done()
    rows, total = process_admin.list_instances(db.session, filters, current_actor())
    return {
        "items": [instance_json(i) for i in rows],
        "total": total,
        "page": filters.page,
        "per_page": filters.per_page,
    }


@operation(
    bp,
    "/admin/instances/<int:instance_id>",
    "GET",
    summary="One instance: diagram states, history, data and error",
    tags=_TAGS,
    responses={200: shapes.AdminInstance, **_ERR},
)
@login_required
def get_instance(instance_id: int) -> dict[str, Any]:
    detail = process_admin.instance_detail(db.session, instance_id, current_actor())
    body = instance_json(detail.instance)
    body["history"] = [event_json(e) for e in detail.history]
    body["elements"] = detail.elements
    body["data"] = detail.data
    body["error"] = detail.error
    return body


def _comment() -> str | None:
    body = request.get_json(silent=True)
    if isinstance(body, dict) and body.get("comment"):
        return str(body["comment"])[:2000]
    return None


def _act(instance_id: int, action: str) -> dict[str, Any]:
    outcome = process_admin.change_instance(
        db.session, instance_id, action, current_actor(), engine_environment(), comment=_comment()
    )
    db.session.commit()
    body = instance_json(outcome.instance)
    if outcome.retry is not None:
        body["retry"] = {"succeeded": outcome.retry.succeeded, "error": outcome.retry.error}
    return body


def _declare(action: str, summary: str) -> None:
    def view(instance_id: int) -> dict[str, Any]:
        return _act(instance_id, action)

    view.__name__ = f"{action}_instance"
    operation(
        bp,
        f"/admin/instances/<int:instance_id>/{action}",
        "POST",
        summary=summary,
        tags=_TAGS,
        body=shapes.InstanceAction,
        responses={200: shapes.AdminInstance, 409: None, **_ERR},
    )(login_required(view))


_declare("suspend", "Suspend: timers don't fire, tasks can't be completed")
_declare("resume", "Resume a suspended instance")
_declare("terminate", "Terminate: cancel open tasks and timers for good")
_declare("retry", "Retry the failed step of an instance in error")


def _report_json(report: MigrationReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


@operation(
    bp,
    "/admin/instances/<int:instance_id>/migration",
    "GET",
    summary="Dry run: what migrating to the newest version would change",
    tags=_TAGS,
    responses={200: shapes.MigrationReport, **_ERR},
)
@login_required
def migration_dry_run(instance_id: int) -> dict[str, Any]:
    return _report_json(process_admin.migration_dry_run(db.session, instance_id, current_actor()))


@operation(
    bp,
    "/admin/instances/<int:instance_id>/migrate",
    "POST",
    summary="Migrate to the newest version (409 migration_unsafe when unsafe)",
    tags=_TAGS,
    body=shapes.InstanceAction,
    responses={200: shapes.MigrationReport, 409: None, **_ERR},
)
@login_required
def migrate_instance(instance_id: int) -> dict[str, Any]:
    report = process_admin.migrate_instance(
        db.session, instance_id, current_actor(), engine_environment(), comment=_comment()
    )
    db.session.commit()
    return _report_json(report)
