"""A refused request's audit entry: the note's action and object, and what was asked."""

from __future__ import annotations

from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.audit.refusals import record_refusal
from engine.errors import AuditNote
from webui.extensions import db


def test_a_refusal_records_the_note_and_the_request(app):
    note = AuditNote("access.denied", "contract", "7", reason="hidden")
    with app.app_context():
        record_refusal(
            db.session,
            note,
            actor="dave",
            ip="192.0.2.1",
            request=("GET", "/contracts/7"),
            status=404,
            code="not_found",
            details={"contract": 7},
        )
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor, entry.object_type, entry.object_id, entry.ip) == (
            "access.denied",
            "dave",
            "contract",
            "7",
            "192.0.2.1",
        )
        assert entry.details == {
            "contract": 7,
            "method": "GET",
            "path": "/contracts/7",
            "status": 404,
            "code": "not_found",
            "reason": "hidden",
        }
