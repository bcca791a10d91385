"""Admin pages for templates: list, create, edit (a new version), preview."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.core import reference_data
from contracts.templates import service as templates
from contracts.templates.models import LANGUAGES
from engine.errors import InvalidInputError
from webui.auth import current_actor
from webui.extensions import db
from webui.field_messages import localize
from webui.templates_admin import bp
from webui.templates_admin.forms import json_field, pretty


def _form(
    template: templates.Template | None,
    values: dict[str, Any],
    errors: Any = None,
    status: int = 200,
) -> tuple[str, int]:
    html = render_template(
        "admin/template_form.html",
        template=template,
        values=values,
        errors=errors or {},
        contract_types=reference_data.contract_type_choices(db.session),
        languages=LANGUAGES,
    )
    return html, status


def _spec() -> templates.TemplateInput:
    return templates.TemplateInput(
        fields_schema=json_field(request.form, "fields_schema"),
        body=request.form.get("body", ""),
        note=request.form.get("note", ""),
    )


@bp.get("/admin/templates")
@login_required
def index() -> str:
    templates.require_template_admin(current_user)
    return render_template(
        "admin/templates_list.html", templates=templates.list_templates(db.session)
    )


@bp.get("/admin/templates/new")
@login_required
def new() -> tuple[str, int]:
    templates.require_template_admin(current_user)
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
    return _form(
        None, {"fields_schema": pretty(schema), "body": "# {{ title }}\n", "language": "zh"}
    )


@bp.post("/admin/templates/new")
@login_required
def create() -> tuple[str, int] | Response:
    try:
        template = templates.create_template(
            db.session,
            code=request.form.get("code", "").strip(),
            name=request.form.get("name", ""),
            contract_type=request.form.get("contract_type", ""),
            language=request.form.get("language", ""),
            spec=_spec(),
            actor=current_actor(),
        )
    except InvalidInputError as exc:
        db.session.rollback()
        return _form(None, request.form.to_dict(), _errors(exc), 422)
    db.session.commit()
    flash(_("Template %(code)s created.", code=template.code), "success")
    return redirect(url_for("templates_admin.edit", code=template.code))


@bp.get("/admin/templates/<code>")
@login_required
def edit(code: str) -> tuple[str, int]:
    templates.require_template_admin(current_user)
    template = templates.get_template(db.session, code)
    values = {
        "name": template.name,
        "fields_schema": pretty(template.current.fields_schema),
        "body": template.current.body,
    }
    return _form(template, values)


@bp.post("/admin/templates/<code>")
@login_required
def update(code: str) -> tuple[str, int] | Response:
    try:
        template = templates.revise_template(
            db.session, code, _spec(), current_actor(), name=request.form.get("name")
        )
    except InvalidInputError as exc:
        db.session.rollback()
        template = templates.get_template(db.session, code)
        return _form(template, request.form.to_dict(), _errors(exc), 422)
    db.session.commit()
    flash(_("Saved as version %(number)s.", number=template.current_version), "success")
    return redirect(url_for("templates_admin.edit", code=code))


@bp.get("/admin/templates/<code>/versions/<int:number>")
@login_required
def version(code: str, number: int) -> str:
    templates.require_template_admin(current_user)
    template = templates.get_template(db.session, code)
    found = next((v for v in template.versions if v.number == number), None)
    if found is None:
        raise templates.TemplateNotFoundError(f"template '{code}' has no version {number}")
    return render_template(
        "admin/template_version.html",
        template=template,
        version=found,
        schema=pretty(found.fields_schema),
    )


@bp.post("/admin/templates/preview")
@login_required
def preview() -> tuple[str, int]:
    templates.require_template_admin(current_user)
    try:
        text = templates.preview(
            request.form.get("body", ""), json_field(request.form, "fields_schema")
        )
    except InvalidInputError as exc:
        # Answered 422 and swapped in all the same (static/js/htmx-errors.js): shown, not lost.
        html = render_template(
            "admin/_preview.html", text=None, error=exc.message, errors=_errors(exc)
        )
        return html, 422
    return render_template("admin/_preview.html", text=text, error=None, errors={}), 200


def _errors(exc: InvalidInputError) -> dict[str, list[str]]:
    if isinstance(exc.details, dict):
        details = localize(exc.details)
        return {k: v if isinstance(v, list) else [str(v)] for k, v in details.items()}
    return {"body": [exc.message]}
