"""JSON shapes of templates and contract types (their schemas live in webui.api.schemas)."""

from __future__ import annotations

from typing import Any

from contracts.core.models import ContractType
from contracts.templates.models import Template, TemplateVersion


def version_json(version: TemplateVersion, *, with_body: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": version.id,
        "number": version.number,
        "note": version.note,
        "created_by": version.created_by,
        "created_at": version.created_at.isoformat(),
        "fields_schema": version.fields_schema,
    }
    if with_body:
        out["body"] = version.body
    return out


def template_json(template: Template, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": template.code,
        "name": template.name,
        "contract_type": template.contract_type.code,
        "language": template.language,
        "current_version": template.current_version,
        "fields_schema": template.current.fields_schema,
    }
    if full:
        out["body"] = template.current.body
        out["versions"] = [version_json(v, with_body=False) for v in template.versions]
    return out


def contract_type_json(contract_type: ContractType) -> dict[str, Any]:
    return {
        "code": contract_type.code,
        "name": contract_type.name,
        "custom_fields_schema": contract_type.custom_fields_schema,
    }
