"""Load the shipped template library (templates/contracts/*.json + *.txt.j2) into the database.

Idempotent: a missing template is created; a shipped template nobody has edited
gets a new version when its file changed; an admin's edits are never overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.core.models import ContractType
from contracts.templates.models import Template, TemplateVersion

SYSTEM = "system"


def load_template_library(session: Session, directory: Path) -> list[Template]:
    """Insert or refresh the shipped templates; return those created or updated."""
    changed = []
    for meta_path in sorted(directory.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = meta_path.with_name(f"{meta_path.stem}.txt.j2").read_text(encoding="utf-8")
        if _load_one(session, meta, body):
            changed.append(meta["code"])
    session.flush()
    return list(session.scalars(select(Template).where(Template.code.in_(changed))))


def _load_one(session: Session, meta: dict, body: str) -> bool:  # type: ignore[type-arg]
    template = session.scalars(select(Template).where(Template.code == meta["code"])).first()
    if template is None:
        contract_type = session.scalars(
            select(ContractType).where(ContractType.code == meta["contract_type"])
        ).one()
        template = Template(
            code=meta["code"],
            name=meta["name"],
            contract_type=contract_type,
            language=meta["language"],
            current_version=1,
        )
        template.versions.append(_version(1, meta, body))
        session.add(template)
        return True
    current = template.current
    untouched = all(v.created_by == SYSTEM for v in template.versions)
    if untouched and (current.body != body or current.fields_schema != meta["fields"]):
        number = current.number + 1
        template.versions.append(_version(number, meta, body))
        template.current_version = number
        return True
    return False


def _version(number: int, meta: dict, body: str) -> TemplateVersion:  # type: ignore[type-arg]
    return TemplateVersion(
        number=number,
        fields_schema=meta["fields"],
        body=body,
        note=meta.get("note", ""),
        created_by=SYSTEM,
    )
