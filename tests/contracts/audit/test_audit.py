"""The audit log records security-relevant actions and detects tampering."""

from __future__ import annotations

from sqlalchemy import select, update

from contracts import audit
from contracts.audit.models import AuditEntry
from webui.extensions import db


def test_actions_are_audited_with_actor_and_ip(app, api):
    alice = api("alice")
    contract = alice.create_contract()
    alice.get(f"/api/v1/contracts/{contract['id']}")
    alice.patch(f"/api/v1/contracts/{contract['id']}", json={"title": "New title"})
    alice.submit(contract["id"])
    api("bob").approve(contract["id"])
    api("alice").client.post("/api/v1/auth/token", json={"username": "alice", "password": "wrong"})
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [(e.actor, e.action) for e in entries]
        assert ("alice", "login") in actions
        assert ("alice", "contract.create") in actions
        assert ("alice", "contract.view") in actions
        assert ("alice", "contract.edit") in actions
        assert ("alice", "contract.submit") in actions
        assert ("bob", "task.complete") in actions
        assert actions[-1] == ("alice", "login.failed")
        assert all(e.ip == "127.0.0.1" for e in entries)
        assert audit.verify_chain(db.session).ok


def test_tampering_is_detected(app, api):
    api("alice").create_contract()
    with app.app_context():
        report = audit.verify_chain(db.session)
        assert report.ok and report.checked >= 2
        victim = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "contract.create")
        ).one()
        db.session.execute(
            update(AuditEntry).where(AuditEntry.id == victim.id).values(actor="mallory")
        )
        db.session.commit()
        report = audit.verify_chain(db.session)
        assert not report.ok and report.first_bad_id == victim.id


def test_deleting_an_entry_is_detected(app, api):
    api("alice").create_contract()
    api("bob")
    with app.app_context():
        first = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        db.session.delete(first)
        db.session.commit()
        assert not audit.verify_chain(db.session).ok


def test_removing_the_newest_entry_is_detected(app, api):
    api("alice").create_contract()
    with app.app_context():
        newest = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        db.session.delete(newest)
        db.session.commit()
        assert not audit.verify_chain(db.session).ok


def test_concurrent_appenders_never_fork_the_chain(app):
    import threading

    barrier = threading.Barrier(4)

    def append(n: int) -> None:
        with app.app_context():
            barrier.wait()
            for i in range(5):
                audit.record(db.session, "test.append", actor=f"t{n}", details={"i": i})
                db.session.commit()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        report = audit.verify_chain(db.session)
        assert report.ok, report
        hashes = db.session.scalars(select(AuditEntry.prev_hash)).all()
        assert len(hashes) == len(set(hashes))  # no two entries share a predecessor


def test_chain_holds_after_a_rolled_back_append_and_another_writer(app):
    with app.app_context():
        audit.record(db.session, "test.first", actor="x")
        db.session.commit()
        # Rolled back: the hash this process saw last never reached the database.
        audit.record(db.session, "test.lost", actor="x")
        db.session.rollback()
        audit.record(db.session, "test.second", actor="x")
        db.session.commit()
        # Another process appends; this one still remembers the head before that.
        remembered = dict(audit._last_seen)
        audit.record(db.session, "test.elsewhere", actor="y")
        db.session.commit()
        audit._last_seen.update(remembered)
        audit.record(db.session, "test.third", actor="x")
        db.session.commit()

        report = audit.verify_chain(db.session)
        assert report.ok, report
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [e.action for e in entries if e.action.startswith("test.")]
        assert actions == ["test.first", "test.second", "test.elsewhere", "test.third"]
        assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))


def test_record_as_writes_the_actors_name_and_address(app):
    class Someone:
        username = "carol"
        ip = "10.0.0.7"

    with app.app_context():
        audit.record_as(
            db.session, "thing.poke", Someone(), object_type="thing", object_id=5, details={"n": 1}
        )
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        fields = (entry.actor, entry.action, entry.object_type, entry.object_id, entry.ip)
        assert fields == ("carol", "thing.poke", "thing", "5", "10.0.0.7")
        assert entry.details == {"n": 1}
        assert audit.verify_chain(db.session).ok
        db.session.rollback()


def test_record_on_contract_names_the_contract(app):
    class Someone:
        username = "dave"
        ip = None

    with app.app_context():
        audit.record_on_contract(db.session, "contract.poke", Someone(), 42, {"why": "test"})
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        fields = (entry.actor, entry.action, entry.object_type, entry.object_id, entry.ip)
        assert fields == ("dave", "contract.poke", "contract", "42", None)
        assert entry.details == {"why": "test"}
        db.session.rollback()
