"""Process admin pages. Each renders a shell; the page script talks to /api/v1/admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from contracts.process_admin import service as process_admin
from webui.admin_processes import bp, labels
from webui.auth import current_actor
from webui.contracts.contract_form import form_choices
from webui.contracts.template_helpers import date_settings
from webui.extensions import db
from webui.settings import form_library
from webui.wiring import engine_environment

API = "/api/v1/admin"
API_URLS = {
    "list": f"{API}/processes",
    "versions": f"{API}/processes/{{key}}/versions",
    "version": f"{API}/processes/{{key}}/versions/{{version}}",
    "validate": f"{API}/processes/validate",
    "deploy": f"{API}/processes/deploy",
    "redeploy": f"{API}/processes/{{key}}/versions/{{version}}/redeploy",
    "compare": f"{API}/processes/{{key}}/compare?from={{from}}&to={{to}}",
    "heatmap": f"{API}/processes/{{key}}/heatmap",
    "import": f"{API}/processes/import",
    "simulate": f"{API}/routing/simulate",
    "cases": f"{API}/routing/cases",
    "case": f"{API}/routing/cases/{{id}}",
    "instances": f"{API}/instances",
    "instance": f"{API}/instances/{{id}}",
    "action": f"{API}/instances/{{id}}/{{action}}",
    "migration": f"{API}/instances/{{id}}/migration",
    "migrate": f"{API}/instances/{{id}}/migrate",
}
ROUTING_DMN = "approval_routing.dmn"
ROUTING_DECISION = "approval_routing"
# Which bundle in webui/static/dist/ (built by `make frontend`) each page loads.
BUNDLES = {"modeler": "process-modeler", "routing": "dmn-modeler"}


@bp.before_request
@login_required
def _require_process_admin() -> None:
    process_admin.require_process_admin(current_user)


def _page_urls() -> dict[str, str]:
    """Page URL templates for the scripts; `{name}` placeholders are filled in the browser."""
    return {
        "modeler": url_for("admin_processes.modeler", key="KEY", version=0)
        .replace("KEY", "{key}")
        .replace("/0/", "/{version}/"),
        "routing": url_for("admin_processes.routing"),
        "instances": url_for("admin_processes.instances") + "?key={key}",
        "instance": url_for("admin_processes.instance", instance_id=0).replace("/0", "/{id}"),
        "heatmap": url_for("admin_processes.heatmap", key="KEY").replace("KEY", "{key}"),
    }


def _render(
    template: str,
    page: str,
    page_labels: Callable[[], dict[str, str]],
    context: dict[str, Any] | None = None,
    **config: Any,
) -> str:
    """Render a page shell with the script's config and labels as data attributes."""
    config = {
        "csrfToken": generate_csrf(),
        "api": API_URLS,
        "pages": _page_urls(),
        "decisionKey": ROUTING_DECISION,
        "dates": date_settings(),
        **config,
    }
    return render_template(
        template,
        page=page,
        bundle=BUNDLES.get(page, "process-viewer"),
        page_config=config,
        labels=page_labels(),
        active_page="admin",
        **(context or {}),
    )


@bp.get("/processes/")
def index() -> str:
    return _render("admin/processes/index.html", "processes", labels.processes)


@bp.get("/processes/<key>/versions/<int:version>/edit")
def modeler(key: str, version: int) -> str:
    operators, forms = process_admin.modeler_choices(
        current_actor(), engine_environment().operators, form_library()
    )
    return _render(
        "admin/processes/modeler.html",
        "modeler",
        labels.modeler,
        key=key,
        version=version,
        operators=operators,
        forms=forms,
    )


@bp.get("/processes/routing")
def routing() -> str:
    return _render(
        "admin/processes/routing.html",
        "routing",
        labels.routing,
        context={"choices": form_choices(db.session)},
        dmnFile=ROUTING_DMN,
    )


@bp.get("/processes/<key>/heatmap")
def heatmap(key: str) -> str:
    return _render("admin/processes/heatmap.html", "heatmap", labels.heatmap, key=key)


@bp.get("/processes/import")
def import_file() -> str:
    return _render("admin/processes/import.html", "import", labels.importing)


@bp.get("/instances/")
def instances() -> str:
    return _render(
        "admin/processes/instances.html",
        "instances",
        labels.instances,
        context={"statuses": labels.status_labels()},
    )


@bp.get("/instances/<int:instance_id>")
def instance(instance_id: int) -> str:
    return _render("admin/processes/instance.html", "instance", labels.instance, id=instance_id)
