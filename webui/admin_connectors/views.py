"""Configure connectors, test them, watch the outbox, incidents and inbound deliveries."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from connectors import catalog, monitoring, settings, sink
from connectors.errors import ConnectorConfigError
from connectors.models import AuthType, InboundStatus, IncidentStatus
from connectors.secret_box import SecretBox
from engine import jobs
from engine.models import OutboxStatus
from webui import channels
from webui.admin_connectors import bp
from webui.admin_connectors.wording import incident_errors, outbox_rows
from webui.auth import current_actor
from webui.extensions import db


@bp.before_request
@login_required
def _admins_only() -> None:
    if not current_user.has_role("admin"):
        abort(403)


def _box() -> SecretBox:
    box: SecretBox = current_app.extensions["cf_secret_box"]
    return box


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


def _status(choices: list[str]) -> str | None:
    value = request.args.get("status") or None
    return value if value in choices else None


@bp.get("/")
def index() -> str:
    configs = settings.all_configs(db.session)
    db.session.commit()
    return render_template(
        "admin/connectors/index.html",
        configs=configs,
        names=catalog.CONNECTORS,
        channels=channels.current(),
    )


@bp.route("/<name>", methods=["GET", "POST"])
def edit(name: str) -> str | Response | tuple[str, int]:
    config = settings.get_config(db.session, name)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            settings.configure_connector(db.session, name, _form_changes(), _box(), current_actor())
        except ConnectorConfigError as exc:
            db.session.rollback()
            errors = exc.details or {"form": [exc.message]}
        else:
            db.session.commit()
            flash(_("Connector settings saved."), "success")
            return redirect(url_for(".edit", name=name))
    else:
        db.session.commit()
    return render_template(
        "admin/connectors/edit.html",
        config=config,
        title=catalog.CONNECTORS[name],
        operations=catalog.operations_of(name),
        events=catalog.events_of(name),
        mappings={
            op.name: settings.mapping_for(config, op.name) for op in catalog.operations_of(name)
        },
        auth_types=[a.value for a in AuthType],
        errors=errors,
        form=request.form if errors else None,
    ), (422 if errors else 200)


def _form_changes() -> dict[str, Any]:
    form = request.form
    mappings: dict[str, Any] = {}
    for op in catalog.operations_of(request.view_args["name"] if request.view_args else ""):
        raw = form.get(f"mapping::{op.name}", "").strip()
        if raw:
            try:
                mappings[op.name] = json.loads(raw)
            except ValueError:
                raise ConnectorConfigError(
                    "the field mapping is not valid JSON",
                    details={"field_mappings": [f"{op.name}: not valid JSON"]},
                ) from None
    return {
        "enabled": form.get("enabled") == "on",
        "base_url": form.get("base_url", ""),
        "auth_type": form.get("auth_type", "none"),
        "username": form.get("username", ""),
        "secret": form.get("secret", ""),
        "webhook_secret": form.get("webhook_secret", ""),
        "timeout_seconds": form.get("timeout_seconds", "10"),
        "test_path": form.get("test_path", "/health"),
        "field_mappings": mappings,
    }


@bp.post("/<name>/test")
def test(name: str) -> Response:
    config = settings.get_config(db.session, name)
    ok, message = settings.test_connection(config, _box())
    db.session.commit()
    if ok:
        flash(_("Connection works: %(result)s", result=message), "success")
    else:
        flash(_("Connection failed: %(error)s", error=message), "error")
    return redirect(url_for(".edit", name=name))


@bp.get("/outbox")
def outbox() -> str:
    status = _status([s.value for s in OutboxStatus])
    page = monitoring.outbox_page(db.session, status=status, page=_page())
    kept = sink.delivered_to_sink(db.session, [m.id for m in page.items])
    return render_template(
        "admin/connectors/outbox.html",
        page=page,
        rows=outbox_rows(page.items, kept),
        channels=channels.current(),
        status=status,
        statuses=[s.value for s in OutboxStatus],
    )


@bp.post("/outbox/<int:message_id>/replay")
def replay(message_id: int) -> Response:
    monitoring.replay_message(db.session, message_id, current_actor())
    db.session.commit()
    jobs.deliver_outbox.delay()
    flash(_("Message %(id)s queued again.", id=message_id), "success")
    return redirect(request.referrer or url_for(".outbox"))


@bp.get("/incidents")
def incidents() -> str:
    status = _status([s.value for s in IncidentStatus])
    page = monitoring.incidents_page(db.session, status=status, page=_page())
    messages = monitoring.outbox_messages(db.session, [i.outbox_message_id for i in page.items])
    return render_template(
        "admin/connectors/incidents.html",
        page=page,
        errors=incident_errors(page.items, messages),
        status=status,
        statuses=[s.value for s in IncidentStatus],
    )


@bp.post("/incidents/<int:incident_id>/retry")
def retry(incident_id: int) -> Response:
    monitoring.retry_incident(db.session, incident_id, current_actor())
    db.session.commit()
    jobs.deliver_outbox.delay()
    flash(_("Incident %(id)s: delivery retried.", id=incident_id), "success")
    return redirect(url_for(".incidents"))


@bp.get("/inbound")
def inbound() -> str:
    status = _status([s.value for s in InboundStatus])
    connector = request.args.get("connector") or None
    page = monitoring.inbound_page(db.session, status=status, connector=connector, page=_page())
    return render_template(
        "admin/connectors/inbound.html",
        page=page,
        status=status,
        connector=connector,
        statuses=[s.value for s in InboundStatus],
        names=catalog.CONNECTORS,
        shown_status=monitoring.inbound_status,
    )
