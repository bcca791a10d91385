"""The keyed audit chain on PostgreSQL: concurrent appenders and checkpoints, tampering found."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, update

from contracts import audit
from contracts.audit.models import AuditEntry, AuditHead
from webui.extensions import db

pytestmark = pytest.mark.integration


def test_concurrent_appenders_and_checkpoints_keep_one_verifiable_chain(make_app):
    app = make_app(AUDIT_CHECKPOINT_EVERY=4, AUDIT_CHECKPOINT_INTERVAL_SECONDS=0)
    barrier = threading.Barrier(5)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for i in range(6):
                    audit.record(db.session, "test.append", actor=f"t{n}", details={"i": i})
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def checkpoints() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for _ in range(6):
                    audit.checkpoint(db.session)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=checkpoints))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with app.app_context():
        report = audit.verify_chain(db.session)
        assert report.ok, report
        assert report.checked == 24 and report.checkpoints >= 6

        # Remove the newest entry and put back the head as it was before it.
        *_, before, newest = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        audit.checkpoint(db.session, force=True)
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == newest.id))
        db.session.execute(
            update(AuditHead).values(last_hash=before.hash, last_id=AuditHead.last_id - 1)
        )
        db.session.commit()
        report = audit.verify_chain(db.session)
        assert not report.ok
        assert "entries covered by checkpoint" in (report.problem or "")
        assert f"through entry {newest.id}" in (report.problem or "")
