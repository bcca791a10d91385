"""Stored files and commits stay in step: no orphan survives a failed commit or a sweep,
no committed version loses its file, and a rename reaches the disk (issue 12, finding 8)."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.documents import service
from contracts.documents.cleanup import sweep_orphans
from contracts.documents.ingest import Upload
from contracts.documents.models import Document, DocumentVersion
from contracts.documents.storage import LocalStorage
from contracts.identity.actor import Actor
from contracts.identity.models import User
from tests.contracts.documents.samples import make_pdf
from tests.factories import contract_payload
from webui.documents.settings import document_settings
from webui.extensions import db

HOUR = 3600


def stored_files(app) -> set[str]:
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    return {p.name for p in root.glob("??/??/*")} if root.exists() else set()


def age(app, key: str, seconds: float) -> None:
    path = document_settings().storage.path(key)  # type: ignore[attr-defined]
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def contract_id(api) -> int:
    return api("alice").create_contract(**contract_payload())["id"]


def upload(contract_id: int, text: str = "Purchase contract") -> DocumentVersion:
    alice = db.session.scalars(select(User).where(User.username == "alice")).one()
    return service.upload_document(
        db.session,
        contract_id,
        Upload(io.BytesIO(make_pdf([text])), "contract.pdf"),
        Actor(alice),
        document_settings(),
    )


# --- the file follows the transaction ---------------------------------------------


def test_a_failed_commit_after_the_use_case_leaves_no_file(app, contract_id):
    with app.app_context():
        upload(contract_id)
        assert len(stored_files(app)) == 1  # written before the commit
        db.session.add(Document(contract_id=None, title="breaks the commit"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert stored_files(app) == set()
        assert db.session.scalars(select(DocumentVersion)).all() == []


def test_a_rolled_back_request_leaves_no_file(app, contract_id):
    with app.app_context():
        upload(contract_id)
        db.session.rollback()
        assert stored_files(app) == set()


def test_a_session_closed_without_commit_leaves_no_file(app, contract_id):
    with app.app_context():
        upload(contract_id)
    # the app context's teardown closed the session, its transaction uncommitted
    assert stored_files(app) == set()


def test_a_committed_version_keeps_its_file_through_later_rollbacks(app, contract_id):
    with app.app_context():
        version = upload(contract_id)
        db.session.commit()
        key = version.storage_key
        upload(contract_id, "second, abandoned")
        db.session.rollback()
        assert stored_files(app) == {key}


def test_a_rolled_back_savepoint_removes_only_its_own_file(app, contract_id):
    with app.app_context():
        kept = upload(contract_id, "kept").storage_key
        savepoint = db.session.begin_nested()
        upload(contract_id, "dropped")
        savepoint.rollback()
        released = db.session.begin_nested()
        also_kept = upload(contract_id, "released").storage_key
        released.commit()
        db.session.commit()
        assert stored_files(app) == {kept, also_kept}


def test_a_released_savepoint_still_follows_the_outer_rollback(app, contract_id):
    with app.app_context():
        savepoint = db.session.begin_nested()
        upload(contract_id)
        savepoint.commit()
        db.session.rollback()
        assert stored_files(app) == set()


def test_an_upload_over_http_whose_commit_fails_leaves_no_file(app, api, contract_id, monkeypatch):
    real_commit = db.session.commit
    failed: list[bool] = []

    def commit() -> None:
        if stored_files(app):  # the file is written: now the database fails
            failed.append(True)
            raise RuntimeError("database went away")
        real_commit()

    monkeypatch.setattr(db.session, "commit", commit)
    alice = api("alice")
    response = alice.client.post(
        f"/api/v1/contracts/{contract_id}/documents",
        data={"file": (io.BytesIO(make_pdf(["x"])), "contract.pdf")},
        headers=alice._headers(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 500 and failed
    assert stored_files(app) == set()


# --- the sweeper -----------------------------------------------------------------


def crash_after_write(app) -> str:
    """What a process killed between writing the file and committing leaves behind."""
    key, _ = document_settings().storage.put([b"encrypted bytes"])
    return key


def test_the_sweep_removes_old_orphans_and_never_a_committed_file(app, contract_id):
    with app.app_context():
        committed = upload(contract_id).storage_key
        db.session.commit()
        old_orphan = crash_after_write(app)
        fresh_orphan = crash_after_write(app)
        age(app, committed, 3 * HOUR)
        age(app, old_orphan, 2 * HOUR)
        age(app, fresh_orphan, 10 * 60)  # may belong to a request still running

        deleted = sweep_orphans(db.session, document_settings())

        assert deleted == [old_orphan]
        assert stored_files(app) == {committed, fresh_orphan}
        response = service.open_download(
            db.session, *_latest(committed), Actor(_user("alice")), document_settings()
        )
        assert b"".join(response.chunks).startswith(b"%PDF")


def test_the_sweep_removes_stale_parts_and_spools(app):
    with app.app_context():
        settings = document_settings()
        settings.temp_dir.mkdir(parents=True, exist_ok=True)
        stale = [settings.temp_dir / "put-abc", settings.temp_dir / "upload-def"]
        fresh = settings.temp_dir / "upload-now"
        for path in [*stale, fresh]:
            path.write_bytes(b"x")
        for path in stale:
            os.utime(path, (time.time() - 2 * HOUR,) * 2)
        sweep_orphans(db.session, settings)
        assert [p.exists() for p in stale] == [False, False] and fresh.exists()


def test_the_cli_command_sweeps(app, contract_id):
    with app.app_context():
        committed = upload(contract_id).storage_key
        db.session.commit()
        orphan = crash_after_write(app)
        age(app, orphan, 2 * HOUR)
        age(app, committed, 2 * HOUR)
    result = app.test_cli_runner().invoke(args=["documents", "sweep-orphans"])
    assert result.exit_code == 0, result.output
    assert "1 orphaned file(s) deleted" in result.output and orphan in result.output
    assert stored_files(app) == {committed}


def test_the_sweep_is_a_scheduled_job(tmp_path):
    from webui.config import load_config

    config = load_config({"INSTANCE_DIR": tmp_path, "SECRET_KEY": "x"})
    schedule = config["CELERY"]["beat_schedule"]
    assert schedule["sweep-orphan-documents"]["task"] == "contracts.sweep_orphan_documents"


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def _latest(key: str) -> tuple[int, int]:
    version = db.session.scalars(
        select(DocumentVersion).where(DocumentVersion.storage_key == key)
    ).one()
    return version.document_id, version.number


# --- durability of the rename ---------------------------------------------------------


def test_the_folder_is_fsynced_after_the_rename(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source: str, target: os.PathLike[str]) -> None:
        real_replace(source, target)
        events.append(("rename", str(Path(target).parent)))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    key, _ = storage.put([b"data"])
    folder = str(storage.path(key).parent)

    rename = events.index(("rename", folder))
    assert ("fsync", folder) in events[rename + 1 :]
    # the file's own data was synced before it was renamed into place
    assert any(kind == "fsync" and "put-" in path for kind, path in events[:rename])

    events.clear()
    storage.replace(key, [b"other"])
    assert events[-1] == ("fsync", folder)
