"""Drafting pages: the template catalogue, "new contract from template", the downloads."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from contracts.core import contract_types, reference_data
from contracts.templates import renditions
from contracts.templates import service as templates
from engine.errors import InvalidInputError
from webui.auth import current_actor
from webui.documents.settings import document_settings
from webui.extensions import db
from webui.field_messages import localize
from webui.templates_admin import bp

FIELD_PREFIX = "f."


def _draft_form(
    template: templates.Template, values: dict[str, Any], errors: Any = None, status: int = 200
) -> tuple[str, int]:
    html = render_template(
        "admin/draft_form.html",
        template=template,
        fields=contract_types.form_fields(template.current.fields_schema),
        values=values,
        errors=errors or {},
        departments=reference_data.department_choices(db.session),
        prefix=FIELD_PREFIX,
    )
    return html, status


@bp.get("/templates")
@login_required
def catalogue() -> str:
    return render_template(
        "admin/catalogue.html",
        templates=templates.list_templates(db.session),
        may_manage=templates.may_manage_templates(current_user),
    )


@bp.get("/templates/<code>/new")
@login_required
def draft_form(code: str) -> tuple[str, int]:
    template = templates.get_template(db.session, code)
    values = templates.with_defaults(template.current.fields_schema, {})
    values = {FIELD_PREFIX + k: v for k, v in values.items()}
    values["department"] = current_user.department.code if current_user.department else ""
    return _draft_form(template, values)


@bp.post("/templates/<code>/new")
@login_required
def draft_create(code: str) -> tuple[str, int] | BaseResponse:
    template = templates.get_template(db.session, code)
    schema = template.current.fields_schema
    fields = contract_types.values_from_form(schema, request.form, FIELD_PREFIX)
    contract = {"department": request.form.get("department", "").strip()}
    tags = [t.strip() for t in request.form.get("tags", "").split(",") if t.strip()]
    if tags:
        contract["tags"] = tags  # type: ignore[assignment]
    try:
        drafted = templates.draft_contract(
            db.session, code, fields, contract, current_actor(), document_settings()
        )
    except InvalidInputError as exc:
        db.session.rollback()
        template = templates.get_template(db.session, code)
        errors = _field_errors(exc)
        return _draft_form(template, request.form.to_dict(), errors, 422)
    db.session.commit()
    return redirect(url_for("templates_admin.drafted", contract_id=drafted.contract.id))


@bp.app_template_filter("contract_blocks")
def contract_blocks(text: str) -> list[tuple[str, str]]:
    """Split a rendered contract text into (title|heading|paragraph, text), as its PDF does."""
    return list(renditions.blocks(text))


@bp.get("/templates/drafts/<int:contract_id>")
@login_required
def drafted(contract_id: int) -> str:
    draft = templates.draft_of(db.session, contract_id, current_actor())
    return render_template("admin/drafted.html", draft=draft, contract_id=contract_id)


@bp.get("/templates/drafts/<int:contract_id>.<any(docx, pdf):fmt>")
@login_required
def download(contract_id: int, fmt: str) -> Response:
    data, mime = templates.download_draft(db.session, contract_id, current_actor(), fmt)
    db.session.commit()
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="contract-{contract_id}.{fmt}"'
    return response


def _field_errors(exc: InvalidInputError) -> dict[str, list[str]]:
    """Map service error keys (`fields.amount`, `department`) onto the form's input names."""
    out: dict[str, list[str]] = {}
    for key, messages in localize(exc.details or {"form": [exc.message]}).items():
        name = FIELD_PREFIX + key.removeprefix("fields.") if key.startswith("fields.") else key
        if key in templates.METADATA_FIELDS:
            name = FIELD_PREFIX + key
        out.setdefault(name, []).extend(messages if isinstance(messages, list) else [messages])
    return out
