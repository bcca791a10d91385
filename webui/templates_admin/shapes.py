"""API shapes of templates and contract types, and the serializers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from contracts.core.models import ContractType as ContractTypeRow
from contracts.templates.models import Template as TemplateRow
from contracts.templates.models import TemplateVersion as TemplateVersionRow
from webui.api.shapes import Omitted, Shape, Timestamp
from webui.contracts.shapes import Contract

Language = Literal["zh", "en"]


class TemplateVersion(Shape):
    id: int
    number: int
    note: str
    created_by: str
    created_at: Timestamp
    fields_schema: dict[str, Any]
    body: str | Omitted = None


class Template(Shape):
    code: str
    name: str
    contract_type: str
    language: Language
    current_version: int
    fields_schema: dict[str, Any] = Field(description="JSON Schema of the template's fields")
    body: str | Omitted = Field(None, description="sandboxed Jinja2 text with placeholders")
    versions: list[TemplateVersion] | Omitted = None


class TemplateList(Shape):
    items: list[Template]


class TemplateInput(Shape):
    code: str | Omitted = Field(None, description="on create only")
    name: str | Omitted = None
    contract_type: str | Omitted = Field(None, description="on create only")
    language: Language | Omitted = Field(None, description="on create only")
    fields_schema: dict[str, Any]
    body: str
    note: str | Omitted = None


class TemplateDraftRequest(Shape):
    fields: dict[str, Any] | Omitted = Field(
        None, description="validated against the template's fields schema"
    )
    contract: dict[str, Any] | Omitted = Field(
        None,
        description="contract input (department, tags, …); overrides what the "
        "fields fill (title, amount, currency, counterparty, dates)",
    )


class DraftedTemplate(Shape):
    code: str | Omitted = None
    version: int | Omitted = None


class Downloads(Shape):
    docx: str | Omitted = None
    pdf: str | Omitted = None


class StoredRendition(Shape):
    document_id: int | Omitted = None
    version: int | Omitted = None


class DraftedContract(Shape):
    contract: Contract
    template: DraftedTemplate
    text: str
    downloads: Downloads
    documents: list[StoredRendition] | Omitted = Field(
        None, description="the stored DOCX and PDF renditions"
    )


class ContractType(Shape):
    code: str
    name: str
    custom_fields_schema: dict[str, Any] | None


class ContractTypeList(Shape):
    items: list[ContractType]


class ContractTypeInput(Shape):
    code: str | Omitted = Field(None, description="on create only")
    name: str | Omitted = None
    custom_fields_schema: dict[str, Any] | None = Field(
        None,
        description='a JSON Schema with "type": "object"; properties of type '
        "string, number, integer or boolean",
    )


def version_json(version: TemplateVersionRow, *, with_body: bool = True) -> dict[str, Any]:
    """Serialize one version of a template, with its body unless told not to."""
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
    return TemplateVersion.render(out)


def template_json(template: TemplateRow, *, full: bool = False) -> dict[str, Any]:
    """Serialize a template; `full` adds its body and version list."""
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
    return Template.render(out)


def contract_type_json(contract_type: ContractTypeRow) -> dict[str, Any]:
    """Serialize a contract type with its custom-field schema."""
    return ContractType.render(
        {
            "code": contract_type.code,
            "name": contract_type.name,
            "custom_fields_schema": contract_type.custom_fields_schema,
        }
    )
