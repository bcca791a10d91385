"""Refused requests in the audit log: what was asked, by whom, and why it was refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contracts import audit
from engine.errors import AuditNote


def record_refusal(
    session: Session,
    note: AuditNote,
    *,
    actor: str | None,
    ip: str | None,
    request: tuple[str, str],
    status: int,
    code: str,
    details: Any = None,
) -> None:
    """Append the entry a refused request's note asks for; `request` is (method, path).

    Call after the request's own work was rolled back; the caller commits the entry alone.
    """
    method, path = request
    audit.record(
        session,
        note.action,
        actor=actor,
        object_type=note.object_type,
        object_id=note.object_id,
        ip=ip,
        details={
            **(details if isinstance(details, dict) else {}),
            "method": method,
            "path": path,
            "status": status,
            "code": code,
            "reason": note.reason,
        },
    )
