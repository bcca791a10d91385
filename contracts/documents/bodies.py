"""The structured draft body of a contract: save with three-way merge, never overwrite."""

from __future__ import annotations

import re
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.core import freeze
from contracts.documents.errors import BodyMergeConflictError
from contracts.documents.merge import merge3
from contracts.documents.models import DraftBody, DraftBodyRevision
from contracts.documents.service import visible_contract
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity import access
from contracts.identity.actor import Actor
from engine import clock

MAX_BODY_CHARS = 2_000_000
# Git-style conflict markers (merge.MARK_*): a line starting with 7 of <, |, > or exactly
# "=======". Saving them would make the unresolved conflict part of the contract.
_MARKER = re.compile(r"^(?:<{7}|\|{7}|>{7})(?:\s|$)|^={7}\s*$")


def get_body(session: Session, contract_id: int, actor: Actor) -> DraftBody | None:
    """The current body of a contract the actor may see (None when it has none yet); audited."""
    visible_contract(session, contract_id, actor)
    body = session.scalars(select(DraftBody).where(DraftBody.contract_id == contract_id)).first()
    audit.record_on_contract(
        session, "body.view", actor, contract_id, {"version": body.version if body else None}
    )
    return body


def get_revision(
    session: Session, contract_id: int, version: int, actor: Actor
) -> DraftBodyRevision | None:
    visible_contract(session, contract_id, actor)
    return _revision(session, contract_id, version)


def _revision(session: Session, contract_id: int, version: int) -> DraftBodyRevision | None:
    return session.scalars(
        select(DraftBodyRevision).where(
            DraftBodyRevision.contract_id == contract_id, DraftBodyRevision.version == version
        )
    ).first()


def save_body(
    session: Session, contract_id: int, text: object, base_version: int | None, actor: Actor
) -> DraftBody:
    """Save an edit made on `base_version`; merge with newer saves or raise a 409 conflict.

    `base_version` None (or 0) creates the first body. An edit of an older version is
    merged three-way (base = that version, saved = the newest, yours = `text`); when
    both changed the same lines, BodyMergeConflictError lists the conflicts and nothing
    is written.
    """
    contract = visible_contract(session, contract_id, actor)
    if not access.may_edit(actor.user, contract):
        raise PermissionDeniedError(f"you may not edit the body of {contract.number}")
    freeze.require_open(contract)
    if not isinstance(text, str) or len(text) > MAX_BODY_CHARS:
        raise ValidationError({"text": [f"must be text of at most {MAX_BODY_CHARS} characters"]})
    text = text.replace("\r\n", "\n")
    _refuse_conflict_markers(text)
    body = session.scalars(select(DraftBody).where(DraftBody.contract_id == contract_id)).first()
    merged_from: int | None = None
    if body is None:
        if base_version:
            raise ValidationError({"base_version": ["the contract has no body yet; send null"]})
        body = DraftBody(contract_id=contract_id, text=text, version=1, updated_by=actor.user)
        session.add(body)
    else:
        text, merged_from = _reconcile(session, body, text, base_version)
        body.text = text
        body.version += 1
        body.updated_by = actor.user
        body.updated_at = clock.now()
    session.add(
        DraftBodyRevision(
            contract_id=contract_id,
            version=body.version,
            text=body.text,
            created_by_id=actor.user.id,
            note=f"merged with version {merged_from}" if merged_from else "",
        )
    )
    session.flush()
    audit.record_on_contract(
        session,
        "contract.body_edit",
        actor,
        contract_id,
        {
            "version": body.version,
            "base_version": base_version,
            "merged": bool(merged_from),
        },
    )
    return body


def conflict_marker_lines(text: str) -> list[int]:
    """The 1-based numbers of the lines that are conflict markers."""
    return [n for n, line in enumerate(text.split("\n"), 1) if _MARKER.match(line)]


def _refuse_conflict_markers(text: str) -> None:
    lines = conflict_marker_lines(text)
    if lines:
        shown = ", ".join(str(n) for n in lines[:20]) + (", …" if len(lines) > 20 else "")
        raise ValidationError(
            {
                "text": [
                    f"line{'s' if len(lines) > 1 else ''} {shown} still "
                    f"{'hold' if len(lines) > 1 else 'holds'} a conflict marker "
                    "(<<<<<<<, |||||||, =======, >>>>>>>): resolve each conflict and remove the "
                    "markers before saving"
                ]
            }
        )


def _reconcile(
    session: Session, body: DraftBody, text: str, base_version: int | None
) -> tuple[str, int | None]:
    """Return the text to save and, when a merge happened, the version merged with."""
    if base_version is None or not 0 < base_version <= body.version:
        raise ValidationError(
            {"base_version": [f"must be the version you edited (1 to {body.version})"]}
        )
    if base_version == body.version:
        return text, None
    base = _revision(session, body.contract_id, base_version)
    if base is None:
        raise ValidationError({"base_version": [f"version {base_version} is not kept"]})
    result = merge3(base.text, text, body.text)
    if not result.clean:
        raise BodyMergeConflictError(
            f"your edit of version {base_version} conflicts with version {body.version}",
            details={
                "base_version": base_version,
                "current_version": body.version,
                "conflicts": [asdict(c) for c in result.conflicts],
                "marked_text": result.marked_text,
            },
        )
    return result.text, body.version
