"""The audit log can't be forged without its key, nor truncated past a checkpoint (issue 12, 1d)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading

import pytest
from sqlalchemy import delete, select, update

from contracts import audit
from contracts.audit import keys
from contracts.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from tests.conftest import make_app
from webui.extensions import db

WRONG_KEY = b"w" * 32


def _append(session, *events: tuple[str, str]) -> None:
    for actor, action in events:
        audit.record(session, action, actor=actor, object_type="document", object_id=7)
        session.commit()


def _entries(session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _rehash_from(session, start_id: int, digest) -> None:
    """What an attacker with database access does: recompute every hash from `start_id` on."""
    entries = _entries(session)
    previous = audit.GENESIS
    for entry in entries:
        if entry.id >= start_id:
            entry.prev_hash = previous
            body = keys.entry_body(
                {
                    "at": entry.at,
                    "actor": entry.actor,
                    "action": entry.action,
                    "object_type": entry.object_type,
                    "object_id": entry.object_id,
                    "ip": entry.ip,
                    "details": entry.details,
                    "prev_hash": entry.prev_hash,
                }
            )
            entry.hash = digest(body)
        previous = entry.hash
    session.flush()
    head = session.get(AuditHead, 1)
    head.last_hash = previous
    head.last_id = len(entries)
    session.commit()


def _plain(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _wrong_key(body: bytes) -> str:
    return hmac.new(WRONG_KEY, body, hashlib.sha256).hexdigest()


def _reattribute_carols_download(session) -> AuditEntry:
    _append(session, ("alice", "document.upload"), ("carol", "document.download"))
    _append(session, ("bob", "contract.view"), ("dave", "contract.view"))
    victim = session.scalars(
        select(AuditEntry).where(
            AuditEntry.actor == "carol", AuditEntry.action == "document.download"
        )
    ).one()
    victim.actor = "alice"
    session.flush()
    return victim


def test_the_happy_path_verifies(session):
    _append(session, ("alice", "document.upload"), ("carol", "document.download"))
    audit.checkpoint(session, force=True)
    session.commit()
    _append(session, ("bob", "contract.view"))
    report = audit.verify_chain(session)
    assert report.ok, report
    assert report.checkpoints == 1
    assert report.describe().startswith("ok:")
    assert all(entry.key_id for entry in _entries(session))


@pytest.mark.parametrize("digest", [_plain, _wrong_key], ids=["plain-sha256", "wrong-hmac-key"])
def test_a_recomputed_chain_is_named_at_the_forged_entry(session, digest):
    victim = _reattribute_carols_download(session)
    _rehash_from(session, victim.id, digest)

    report = audit.verify_chain(session)

    assert not report.ok
    assert report.first_bad_id == victim.id
    assert f"entry {victim.id}" in (report.problem or "")


def test_recomputing_the_whole_chain_fails_at_its_first_entry(session):
    victim = _reattribute_carols_download(session)
    first = _entries(session)[0]
    _rehash_from(session, first.id, _wrong_key)

    report = audit.verify_chain(session)

    assert not report.ok and report.first_bad_id == first.id != victim.id


def test_posing_as_an_entry_from_before_the_key_is_refused(session):
    _reattribute_carols_download(session)
    session.execute(update(AuditEntry).values(key_id=None))
    _rehash_from(session, _entries(session)[0].id, _plain)

    report = audit.verify_chain(session)

    assert not report.ok and "unkeyed" in (report.problem or "")


def test_removing_the_newest_entry_past_a_checkpoint_is_detected(session):
    _append(session, ("alice", "document.upload"), ("carol", "document.download"))
    # The attacker even copied the head, signature and all, before the last append...
    saved = session.execute(select(AuditHead.last_hash, AuditHead.signature)).one()
    _append(session, ("carol", "document.download"))
    audit.checkpoint(session, force=True)
    session.commit()
    checkpoint = session.scalars(select(AuditCheckpoint)).one()
    newest = _entries(session)[-1]
    # ...and now removes carol's last download and puts that head back.
    session.execute(delete(AuditEntry).where(AuditEntry.id == newest.id))
    session.execute(
        update(AuditHead).values(
            last_hash=saved.last_hash, signature=saved.signature, last_id=AuditHead.last_id - 1
        )
    )
    session.commit()

    report = audit.verify_chain(session)

    assert not report.ok
    assert f"entries covered by checkpoint #{checkpoint.id} are missing" in (report.problem or "")
    assert f"through entry {newest.id}" in (report.problem or "")


def test_moving_the_head_back_without_a_saved_signature_is_detected(session):
    _append(session, ("alice", "document.upload"), ("carol", "document.download"))
    *_, before, newest = _entries(session)
    session.execute(delete(AuditEntry).where(AuditEntry.id == newest.id))
    session.execute(update(AuditHead).values(last_hash=before.hash, last_id=AuditHead.last_id - 1))
    session.commit()

    report = audit.verify_chain(session)

    assert not report.ok and "head" in (report.problem or "")


def test_a_removed_middle_entry_is_named_by_its_successor(session):
    _append(session, *[("alice", f"test.{n}") for n in range(4)])
    entries = _entries(session)
    removed, successor = entries[-3], entries[-2]
    session.execute(delete(AuditEntry).where(AuditEntry.id == removed.id))
    session.commit()

    report = audit.verify_chain(session)

    assert not report.ok and report.first_bad_id == successor.id


def test_reordered_entries_are_detected(session):
    _append(session, *[("alice", f"test.{n}") for n in range(3)])
    *_, a, b, c = _entries(session)
    columns = ("at", "actor", "action", "object_type", "object_id", "ip", "details")
    values = {
        entry.id: {name: getattr(entry, name) for name in (*columns, "prev_hash", "hash")}
        for entry in (a, b)
    }
    # Swap the two rows' contents (hash column is unique: park one first).
    session.execute(update(AuditEntry).where(AuditEntry.id == a.id).values(hash="x" * 64))
    session.execute(update(AuditEntry).where(AuditEntry.id == b.id).values(**values[a.id]))
    session.execute(update(AuditEntry).where(AuditEntry.id == a.id).values(**values[b.id]))
    session.commit()

    report = audit.verify_chain(session)

    assert not report.ok and report.first_bad_id == a.id


def test_a_forged_checkpoint_is_detected(session):
    _append(session, ("alice", "document.upload"))
    audit.checkpoint(session, force=True)
    session.commit()
    session.execute(update(AuditCheckpoint).values(entry_count=AuditCheckpoint.entry_count - 1))
    session.commit()

    report = audit.verify_chain(session)

    assert not report.ok and "signature" in (report.problem or "")


def test_every_nth_append_writes_a_checkpoint(template_db, tmp_path):
    import shutil

    path = tmp_path / "every.db"
    shutil.copy(template_db, path)
    app = make_app(path, tmp_path, AUDIT_CHECKPOINT_EVERY=3)
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        start = head.last_id if head else 0
        _append(db.session, *[("alice", f"test.{n}") for n in range(7)])
        counts = db.session.scalars(select(AuditCheckpoint.entry_count)).all()
        assert counts == [n for n in range(start + 1, start + 8) if n % 3 == 0]
        assert audit.verify_chain(db.session).ok
        db.session.remove()
        db.engine.dispose()


def test_concurrent_appenders_still_chain_across_checkpoints(template_db, tmp_path):
    import shutil

    path = tmp_path / "concurrent.db"
    shutil.copy(template_db, path)
    app = make_app(path, tmp_path, AUDIT_CHECKPOINT_EVERY=4)
    barrier = threading.Barrier(4)

    def append(n: int) -> None:
        with app.app_context():
            barrier.wait()
            for i in range(6):
                audit.record(db.session, "test.append", actor=f"t{n}", details={"i": i})
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        report = audit.verify_chain(db.session)
        assert report.ok, report
        assert report.checkpoints >= 6
        db.session.remove()
        db.engine.dispose()


def test_the_periodic_job_signs_only_a_grown_log_and_not_too_often(app, session):
    from webui.audit import audit_checkpoint

    _append(session, ("alice", "document.upload"))
    assert audit_checkpoint() is True  # first checkpoint
    assert audit_checkpoint() is False  # nothing new
    _append(session, ("alice", "document.upload"))
    assert audit_checkpoint() is False  # grown, but the last one is recent
    app.config["AUDIT_CHECKPOINT_INTERVAL_SECONDS"] = 0
    from webui.audit import install_audit

    install_audit(app)
    assert audit_checkpoint() is True
    assert audit.verify_chain(session).ok


def _write_legacy_entries(session, count: int) -> list[AuditEntry]:
    """Entries as the unkeyed version wrote them: plain SHA-256, head unsigned."""
    session.execute(delete(AuditEntry))
    session.execute(delete(AuditCheckpoint))
    previous = audit.GENESIS
    entries = []
    from engine import clock

    for n in range(count):
        fields = {
            "at": clock.now().replace(microsecond=0),
            "actor": "carol",
            "action": f"legacy.{n}",
            "object_type": None,
            "object_id": None,
            "ip": None,
            "details": None,
            "prev_hash": previous,
        }
        entry = AuditEntry(**fields, hash=_plain(keys.entry_body(fields)))
        session.add(entry)
        entries.append(entry)
        previous = entry.hash
    session.flush()
    session.execute(delete(AuditHead))
    session.add(AuditHead(id=1, last_hash=previous, last_id=count))
    session.commit()
    audit._last_seen.clear()
    return entries


def test_entries_from_before_the_key_verify_after_the_upgrade_seal(session):
    _write_legacy_entries(session, 3)
    assert not audit.verify_chain(session).ok  # not sealed yet

    seal = audit.seal_legacy(session)
    session.commit()
    _append(session, ("alice", "document.upload"))

    assert seal is not None and seal.entry_count == 3
    assert audit.seal_legacy(session) is None  # once
    report = audit.verify_chain(session)
    assert report.ok, report


def test_a_sealed_legacy_entry_recomputed_with_sha256_is_detected(session):
    entries = _write_legacy_entries(session, 3)
    audit.seal_legacy(session)
    session.commit()
    _append(session, ("alice", "document.upload"))
    victim = entries[1]
    victim.actor = "alice"
    session.flush()
    # Re-hash the legacy part the old way; the keyed entry after it keeps its link.
    _rehash_from(session, victim.id, _plain)

    report = audit.verify_chain(session)

    # Each legacy hash is self-consistent: the seal, signed with the key, tells.
    assert not report.ok and report.first_bad_id == entries[2].id
    assert "checkpoint" in (report.problem or "")


def test_cli_verify_prints_ok_or_the_broken_entry(app, session):
    _append(session, ("alice", "document.upload"), ("carol", "document.download"))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and result.output.startswith("ok:")

    victim = _entries(session)[-1]
    session.execute(update(AuditEntry).where(AuditEntry.id == victim.id).values(actor="alice"))
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {victim.id}" in result.output


def test_the_audit_key_is_kept_outside_the_database(template_db, tmp_path):
    import shutil

    path = tmp_path / "keyfile.db"
    shutil.copy(template_db, path)
    key_file = tmp_path / "keys" / "audit.key"
    app = make_app(path, tmp_path, AUDIT_KEY=None, AUDIT_KEY_FILE=key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32
    with app.app_context():
        _append(db.session, ("alice", "document.upload"))
        newest = _entries(db.session)[-1]
        assert newest.key_id == keys.key_id(base64.b64decode(key_file.read_text()))
        db.session.remove()
        db.engine.dispose()


def test_init_db_seals_an_older_installations_unkeyed_entries(tmp_path):
    """An installation from before the keyed log: its entries verify after `init-db`."""
    import json

    from alembic import command
    from sqlalchemy import create_engine, text

    from engine import clock
    from webui.cli import upgrade_database
    from webui.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "d9e3b7a5c2f1")
    old = create_engine(url)
    previous = audit.GENESIS
    with old.begin() as connection:
        for n in range(3):  # what the unkeyed version of `record` wrote
            fields = {
                "at": clock.now().replace(microsecond=0),
                "actor": "carol",
                "action": "document.download",
                "object_type": "document",
                "object_id": str(n),
                "ip": None,
                "details": {"n": n},
                "prev_hash": previous,
            }
            digest = _plain(keys.entry_body(fields))
            connection.execute(
                text(
                    "INSERT INTO audit_entry (at, actor, action, object_type, object_id, ip,"
                    " details, prev_hash, hash) VALUES (:at, :actor, :action, :object_type,"
                    " :object_id, :ip, :details, :prev_hash, :hash)"
                ),
                {
                    **fields,
                    "at": fields["at"].replace(tzinfo=None),
                    "details": json.dumps(fields["details"]),
                    "hash": digest,
                },
            )
            previous = digest
        connection.execute(
            text("INSERT INTO audit_head (id, last_hash, last_id) VALUES (1, :h, 3)"),
            {"h": previous},
        )
    old.dispose()

    app = make_app(tmp_path / "old.db", tmp_path)
    with app.app_context():
        upgrade_database(app)
        audit._last_seen.clear()
        _append(db.session, ("alice", "document.upload"))

        [seal] = db.session.scalars(select(AuditCheckpoint)).all()
        assert (seal.kind, seal.entry_count) == ("seal", 3)
        report = audit.verify_chain(db.session)
        assert report.ok and report.checked == 4, report

        db.session.execute(
            update(AuditEntry).where(AuditEntry.object_id == "1").values(actor="alice")
        )
        db.session.commit()
        report = audit.verify_chain(db.session)
        assert not report.ok and report.first_bad_id == 2
        db.session.remove()
        db.engine.dispose()
