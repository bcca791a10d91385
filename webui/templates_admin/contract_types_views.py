"""Admin pages for contract types and their custom-field schemas."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from contracts.core import contract_types
from engine.errors import InvalidInputError
from webui.auth import current_actor
from webui.extensions import db
from webui.field_messages import localize
from webui.templates_admin import bp
from webui.templates_admin.forms import json_field, pretty


def _page(
    values: dict[str, Any], errors: Any = None, status: int = 200, editing: Any = None
) -> tuple[str, int]:
    html = render_template(
        "admin/contract_types.html",
        types=contract_types.list_types(db.session),
        values=values,
        errors=localize(errors or {}),
        editing=editing,
        pretty=pretty,
    )
    return html, status


@bp.get("/admin/contract-types")
@login_required
def contract_types_index() -> tuple[str, int]:
    contract_types.require_type_admin(current_actor())
    return _page({})


@bp.post("/admin/contract-types")
@login_required
def contract_types_create() -> tuple[str, int] | Response:
    try:
        raw = {
            "code": request.form.get("code", "").strip(),
            "name": request.form.get("name", ""),
            "custom_fields_schema": json_field(
                request.form, "custom_fields_schema", allow_empty=True
            ),
        }
        created = contract_types.create_type(db.session, raw, current_actor())
    except InvalidInputError as exc:
        db.session.rollback()
        return _page(request.form.to_dict(), exc.details, 422)
    db.session.commit()
    flash(_("Contract type %(code)s added.", code=created.code), "success")
    return redirect(url_for("templates_admin.contract_types_index"))


@bp.get("/admin/contract-types/<code>")
@login_required
def contract_types_edit(code: str) -> tuple[str, int]:
    contract_types.require_type_admin(current_actor())
    found = contract_types.get_type(db.session, code)
    values = {"name": found.name, "custom_fields_schema": pretty(found.custom_fields_schema)}
    return _page(values, editing=found)


@bp.post("/admin/contract-types/<code>")
@login_required
def contract_types_update(code: str) -> tuple[str, int] | Response:
    try:
        raw = {
            "name": request.form.get("name", ""),
            "custom_fields_schema": json_field(
                request.form, "custom_fields_schema", allow_empty=True
            ),
        }
        contract_types.update_type(db.session, code, raw, current_actor())
    except InvalidInputError as exc:
        db.session.rollback()
        found = contract_types.get_type(db.session, code)
        return _page(request.form.to_dict(), exc.details, 422, editing=found)
    db.session.commit()
    flash(_("Contract type %(code)s saved.", code=code), "success")
    return redirect(url_for("templates_admin.contract_types_index"))
