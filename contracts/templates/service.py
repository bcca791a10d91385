"""Template use cases: list, read, create, revise (a new version), preview, draft a contract."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.core import service
from contracts.core.models import Contract, ContractType
from contracts.core.text_input import has_visible_character
from contracts.documents.bodies import save_body
from contracts.documents.ingest import Upload
from contracts.documents.models import DocumentVersion
from contracts.documents.service import upload_document
from contracts.documents.settings import DocumentSettings
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity.actor import Actor
from contracts.identity.models import Role, User
from contracts.templates import renditions, sandbox
from contracts.templates.errors import TemplateNotFoundError
from contracts.templates.models import LANGUAGES, Template, TemplateDraft, TemplateVersion
from engine import clock

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,59}$")
# Template fields that fill the contract's metadata when they are named so.
METADATA_FIELDS = ("title", "amount", "currency", "counterparty", "effective_date", "expiry_date")
TEMPLATE_ADMINS = (Role.ADMIN, Role.PROCESS_ADMIN)


def may_manage_templates(user: User) -> bool:
    return user.has_role(*TEMPLATE_ADMINS)


def require_template_admin(user: User) -> None:
    if not may_manage_templates(user):
        raise PermissionDeniedError("only admins and process admins manage templates")


def list_templates(
    session: Session, *, language: str | None = None, contract_type: str | None = None
) -> list[Template]:
    """Return the templates, optionally of one language or contract type, by code."""
    query = select(Template).order_by(Template.code)
    if language:
        query = query.where(Template.language == language)
    if contract_type:
        query = query.join(ContractType).where(ContractType.code == contract_type)
    return list(session.scalars(query))


def get_template(session: Session, code: str) -> Template:
    template = session.scalars(select(Template).where(Template.code == code)).first()
    if template is None:
        raise TemplateNotFoundError(f"template '{code}' does not exist")
    return template


@dataclass(frozen=True)
class TemplateInput:
    fields_schema: Any
    body: str
    note: str = ""


def check_template(spec: TemplateInput) -> None:
    """Refuse a schema that is not JSON Schema and a body that fails in the sandbox."""
    sandbox.check_fields_schema(spec.fields_schema)
    if not isinstance(spec.body, str) or not spec.body.strip():
        raise ValidationError({"body": ["must not be empty"]})
    sandbox.render_body(spec.body, sandbox.sample_values(spec.fields_schema))


def create_template(
    session: Session,
    *,
    code: str,
    name: str,
    contract_type: str,
    language: str,
    spec: TemplateInput,
    actor: Actor,
) -> Template:
    """Create a template with its first version (admins only)."""
    require_template_admin(actor.user)
    errors: dict[str, list[str]] = {}
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        errors["code"] = ["2-60 lowercase letters, digits, '-' or '_'"]
    elif session.scalars(select(Template.id).where(Template.code == code)).first():
        errors["code"] = [f"template '{code}' already exists"]
    if not isinstance(name, str) or not has_visible_character(name) or len(name) > 200:
        errors["name"] = ["must be 1-200 characters, at least one of them visible"]
    if language not in LANGUAGES:
        errors["language"] = [f"must be one of: {', '.join(LANGUAGES)}"]
    type_row = session.scalars(
        select(ContractType).where(ContractType.code == contract_type)
    ).first()
    if type_row is None:
        errors["contract_type"] = [f"unknown contract type '{contract_type}'"]
    if errors:
        raise ValidationError(errors)
    check_template(spec)
    template = Template(
        code=code, name=name.strip(), contract_type=type_row, language=language, current_version=1
    )
    template.versions.append(_version(1, spec, actor))
    session.add(template)
    session.flush()
    _audit(session, "template.create", template, actor)
    return template


def revise_template(
    session: Session, code: str, spec: TemplateInput, actor: Actor, *, name: str | None = None
) -> Template:
    """Save an edit as a new version; older versions stay."""
    require_template_admin(actor.user)
    template = get_template(session, code)
    check_template(spec)
    if name is not None:
        if not has_visible_character(name) or len(name) > 200:
            raise ValidationError(
                {"name": ["must be 1-200 characters, at least one of them visible"]}
            )
        template.name = name.strip()
    number = max(v.number for v in template.versions) + 1
    template.versions.append(_version(number, spec, actor))
    template.current_version = number
    template.updated_at = clock.now()
    session.flush()
    _audit(session, "template.revise", template, actor)
    return template


def preview(body: str, fields_schema: Any, values: dict[str, Any] | None = None) -> str:
    """Render a body with given (or invented) values, without storing anything."""
    sandbox.check_fields_schema(fields_schema)
    sample = sandbox.sample_values(fields_schema)
    sample.update(values or {})
    return sandbox.render_body(body, sample)


def render_version(version: TemplateVersion, fields: Any) -> tuple[dict[str, Any], str]:
    """Validate field values (schema defaults applied) and render the version's body."""
    if not isinstance(fields, dict):
        raise ValidationError({"fields": ["must be an object"]})
    values = with_defaults(version.fields_schema, fields)
    values = sandbox.validate_fields(version.fields_schema, values)
    return values, sandbox.render_body(version.body, values)


def with_defaults(schema: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Fill the schema's defaults for missing or empty fields."""
    values = {k: v for k, v in fields.items() if v not in (None, "")}
    for name, prop in (schema.get("properties") or {}).items():
        if name not in values and isinstance(prop, dict) and "default" in prop:
            values[name] = prop["default"]
    return values


@dataclass
class Drafted:
    contract: Contract
    draft: TemplateDraft
    documents: list[DocumentVersion]


def draft_contract(
    session: Session,
    code: str,
    fields: Any,
    contract_input: Any,
    actor: Actor,
    settings: DocumentSettings,
) -> Drafted:
    """Create a draft contract from a template: fields fill the metadata and the body.

    The rendered text becomes the contract's structured body; its DOCX and PDF
    renditions are stored (encrypted) as the contract's first documents.
    """
    template = get_template(session, code)
    version = template.current
    values, text = render_version(version, fields)
    if contract_input is None:
        contract_input = {}
    if not isinstance(contract_input, dict):
        raise ValidationError({"contract": ["must be an object"]})
    raw = metadata_from_fields(values) | {"contract_type": template.contract_type.code}
    raw.update(contract_input)
    contract = service.create_contract(session, raw, actor)
    contract.template_version_id = version.id
    draft = TemplateDraft(
        contract_id=contract.id,
        template_version=version,
        fields=values,
        text=text,
        created_by=actor.username,
    )
    session.add(draft)
    session.flush()
    save_body(session, contract.id, text, None, actor)
    documents = store_renditions(session, draft, actor, settings)
    audit.record_on_contract(
        session,
        "contract.draft_from_template",
        actor,
        contract.id,
        {"template": template.code, "version": version.number},
    )
    return Drafted(contract=contract, draft=draft, documents=documents)


def store_renditions(
    session: Session, draft: TemplateDraft, actor: Actor, settings: DocumentSettings
) -> list[DocumentVersion]:
    """Store the DOCX and PDF of a drafted text as documents of its contract."""
    version = draft.template_version
    title = str(draft.fields.get("title") or version.template.name)
    note = f"rendered from template {version.template.code} v{version.number}"
    stored = []
    for extension, data in (
        ("docx", renditions.to_docx(draft.text)),
        ("pdf", renditions.to_pdf(draft.text, title=title)),
    ):
        upload = Upload(io.BytesIO(data), f"{title}.{extension}", len(data))
        stored.append(
            upload_document(
                session,
                draft.contract_id,
                upload,
                actor,
                settings,
                title=f"{title} ({extension.upper()})",
                note=note,
            )
        )
    return stored


def metadata_from_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Contract input taken from the fields named like contract fields."""
    raw = {name: values[name] for name in METADATA_FIELDS if name in values}
    if "amount" in raw:
        raw["amount"] = str(raw["amount"])
    else:
        raw["amount"] = "0.00"  # e.g. an NDA has no price
    return raw


def draft_of(session: Session, contract_id: int, actor: Actor) -> TemplateDraft:
    """The template text of a contract the actor may see."""
    contract = service.get_contract(session, contract_id, actor, audit_view=False)
    draft = session.scalars(
        select(TemplateDraft).where(TemplateDraft.contract_id == contract.id)
    ).first()
    if draft is None:
        raise TemplateNotFoundError(f"contract {contract.number} was not drafted from a template")
    return draft


def download_draft(session: Session, contract_id: int, actor: Actor, fmt: str) -> tuple[bytes, str]:
    """Render a drafted contract as PDF or Word for the actor; audit the download."""
    draft = draft_of(session, contract_id, actor)
    title = draft.fields.get("title") or draft.template_version.template.name
    if fmt == "pdf":
        data, mime = renditions.to_pdf(draft.text, title=str(title)), renditions.PDF_MIME
    else:
        data, mime = renditions.to_docx(draft.text), renditions.DOCX_MIME
    audit.record_on_contract(session, "contract.download", actor, contract_id, {"rendition": fmt})
    return data, mime


def _version(number: int, spec: TemplateInput, actor: Actor) -> TemplateVersion:
    return TemplateVersion(
        number=number,
        fields_schema=spec.fields_schema,
        body=spec.body.replace("\r\n", "\n"),
        note=(spec.note or "")[:300],
        created_by=actor.username,
    )


def _audit(session: Session, action: str, template: Template, actor: Actor) -> None:
    audit.record_as(
        session,
        action,
        actor,
        object_type="template",
        object_id=template.code,
        details={"version": template.current_version},
    )
