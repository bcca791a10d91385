"""API: templates (list, read, create, revise, draft a contract) and contract types."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import login_required

from contracts.core import contract_types
from contracts.templates import service as templates
from webui.api import bp
from webui.api.spec import json_object, operation, query
from webui.auth import current_actor
from webui.contracts.shapes import contract_json
from webui.documents.settings import document_settings
from webui.extensions import db
from webui.templates_admin import shapes
from webui.templates_admin.shapes import contract_type_json, template_json, version_json


@operation(
    bp,
    "/templates",
    "GET",
    summary="List contract templates",
    tags=["templates"],
    params=[
        query("language", {"type": "string", "enum": ["zh", "en"]}),
        query("contract_type", {"type": "string"}),
    ],
    responses={200: shapes.TemplateList, 401: None},
)
@login_required
def list_templates() -> dict[str, Any]:
    items = templates.list_templates(
        db.session,
        language=request.args.get("language") or None,
        contract_type=request.args.get("contract_type") or None,
    )
    return shapes.TemplateList.render({"items": [template_json(t) for t in items]})


@operation(
    bp,
    "/templates/<code>",
    "GET",
    summary="One template with its body and versions",
    tags=["templates"],
    responses={200: shapes.Template, 401: None, 404: None},
)
@login_required
def get_template(code: str) -> dict[str, Any]:
    return template_json(templates.get_template(db.session, code), full=True)


@operation(
    bp,
    "/templates",
    "POST",
    summary="Create a template (admins)",
    tags=["templates"],
    body=shapes.TemplateInput,
    responses={201: shapes.Template, 400: None, 401: None, 403: None, 415: None, 422: None},
)
@login_required
def create_template() -> tuple[dict[str, Any], int]:
    data = json_object()
    template = templates.create_template(
        db.session,
        code=data.get("code", ""),
        name=data.get("name", ""),
        contract_type=data.get("contract_type", ""),
        language=data.get("language", ""),
        spec=_spec(data),
        actor=current_actor(),
    )
    db.session.commit()
    return template_json(template, full=True), 201


@operation(
    bp,
    "/templates/<code>/versions",
    "POST",
    summary="Save an edit of a template as its new version (admins)",
    tags=["templates"],
    body=shapes.TemplateInput,
    responses={201: shapes.TemplateVersion, 400: None, 401: None, 403: None, 404: None, 422: None},
)
@login_required
def revise_template(code: str) -> tuple[dict[str, Any], int]:
    data = json_object()
    template = templates.revise_template(
        db.session, code, _spec(data), current_actor(), name=data.get("name")
    )
    db.session.commit()
    return version_json(template.current), 201


@operation(
    bp,
    "/templates/<code>/draft",
    "POST",
    summary="Create a draft contract from a template",
    tags=["templates"],
    body=shapes.TemplateDraftRequest,
    responses={201: shapes.DraftedContract, 400: None, 401: None, 403: None, 404: None, 422: None},
)
@login_required
def draft_from_template(code: str) -> tuple[dict[str, Any], int]:
    data = json_object()
    drafted = templates.draft_contract(
        db.session,
        code,
        data.get("fields", {}),
        data.get("contract", {}),
        current_actor(),
        document_settings(),
    )
    db.session.commit()
    contract = contract_json(drafted.contract)
    contract["template_version_id"] = drafted.draft.template_version_id
    # The stored renditions, through the API: the /templates/drafts/… pages take no token.
    downloads = {
        v.filename.rsplit(".", 1)[-1]: (
            f"/api/v1/documents/{v.document_id}/versions/{v.number}/download"
        )
        for v in drafted.documents
    }
    return {
        "contract": contract,
        "template": {"code": code, "version": drafted.draft.template_version.number},
        "text": drafted.draft.text,
        "downloads": downloads,
        "documents": [
            {"document_id": v.document_id, "version": v.number} for v in drafted.documents
        ],
    }, 201


@operation(
    bp,
    "/contract-types",
    "GET",
    summary="List contract types with their custom-field schemas",
    tags=["contract types"],
    responses={200: shapes.ContractTypeList, 401: None},
)
@login_required
def list_contract_types() -> dict[str, Any]:
    types = contract_types.list_types(db.session)
    return shapes.ContractTypeList.render({"items": [contract_type_json(t) for t in types]})


@operation(
    bp,
    "/contract-types",
    "POST",
    summary="Add a contract type (admins)",
    tags=["contract types"],
    body=shapes.ContractTypeInput,
    responses={201: shapes.ContractType, 400: None, 401: None, 403: None, 415: None, 422: None},
)
@login_required
def create_contract_type() -> tuple[dict[str, Any], int]:
    created = contract_types.create_type(db.session, json_object(), current_actor())
    db.session.commit()
    return contract_type_json(created), 201


@operation(
    bp,
    "/contract-types/<code>",
    "PATCH",
    summary="Change a contract type's name or custom-field schema (admins)",
    tags=["contract types"],
    body=shapes.ContractTypeInput,
    responses={200: shapes.ContractType, 400: None, 401: None, 403: None, 404: None, 422: None},
)
@login_required
def patch_contract_type(code: str) -> dict[str, Any]:
    changed = contract_types.update_type(db.session, code, json_object(), current_actor())
    db.session.commit()
    return contract_type_json(changed)


def _spec(data: dict[str, Any]) -> templates.TemplateInput:
    body = data.get("body")
    return templates.TemplateInput(
        fields_schema=data.get("fields_schema"),
        body=body if isinstance(body, str) else "",
        note=str(data.get("note") or ""),
    )
