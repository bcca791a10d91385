"""Documents API: upload, versions, download, restore, compare, bodies, bad input, permissions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.contracts.documents.samples import make_docx, make_pdf

PDF_V1 = ["采购合同 Purchase Contract", "甲方应于三十日内付款。 Payment within 30 days."]
PDF_V2 = ["采购合同 Purchase Contract", "乙方应于十日内付款。 Payment within 10 days."]


def _files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(client, contract_id, data, name="contract.pdf", **form):
    return client.client.post(
        f"/api/v1/contracts/{contract_id}/documents",
        data={"file": (io.BytesIO(data), name), **form},
        headers=client._headers(),
        content_type="multipart/form-data",
    )


@pytest.fixture
def contract(api):
    return api("alice").create_contract()


def test_upload_download_round_trip_is_encrypted_on_disk(app, api, contract):
    alice = api("alice")
    data = make_pdf(PDF_V1)
    response = _upload(alice, contract["id"], data, "采购合同.pdf", title="Main", note="first")
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["title"] == "Main" and doc["latest_version"] == 1
    version = doc["versions"][0]
    assert version["mime_type"] == "application/pdf" and version["page_count"] == 1
    assert version["size"] == len(data)
    [stored] = _files(app)
    assert data not in stored.read_bytes() and b"%PDF" not in stored.read_bytes()

    download = alice.get(version["download_url"])
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Length"] == str(len(data))
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''%E9%87%87" in download.headers["Content-Disposition"]


def _flip_a_bit(app) -> None:
    [stored] = _files(app)
    raw = bytearray(stored.read_bytes())
    raw[100] ^= 0x01
    stored.write_bytes(bytes(raw))


def test_flipped_bit_on_disk_is_a_500_integrity_error_logged_and_audited(
    app, api, contract, caplog
):
    from sqlalchemy import select

    from contracts.audit.models import AuditEntry
    from webui.extensions import db

    alice = api("alice")
    doc = _upload(alice, contract["id"], make_pdf(PDF_V1)).get_json()
    _flip_a_bit(app)
    response = alice.get(doc["versions"][0]["download_url"])
    # Not a conflict the client could resolve: the server's copy is damaged.
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "document_integrity"
    assert "version 1 of this document is damaged in storage" in error["message"]
    assert "retrying will not help" in error["message"]
    assert error["details"]["document"] == doc["id"] and error["details"]["version"] == 1
    assert response.headers["Content-Type"] == "application/json"
    assert any("SECURITY document integrity failure" in r.message for r in caplog.records)

    restore = alice.post(f"/api/v1/documents/{doc['id']}/versions/1/restore")
    assert restore.status_code == 500
    assert restore.get_json()["error"]["code"] == "document_integrity"
    assert len(_files(app)) == 1  # the failed restore left no copy behind
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "document.integrity_failed")
        ).all()
        assert [(e.actor, e.object_id, e.details["version"]) for e in entries] == [
            ("alice", str(doc["id"]), 1),
            ("alice", str(doc["id"]), 1),
        ]
        assert entries[0].details["path"].endswith("/versions/1/download")
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "document")
        ).all()
    assert "document.download" not in actions and "document.restore" not in actions


def test_missing_stored_file_is_an_integrity_error(app, api, contract):
    alice = api("alice")
    doc = _upload(alice, contract["id"], make_pdf(PDF_V1)).get_json()
    _files(app)[0].unlink()
    response = alice.get(doc["versions"][0]["download_url"])
    assert response.status_code == 500
    assert response.get_json()["error"]["details"]["reason"] == "the stored file is missing"


def test_raw_body_upload_versions_restore_and_compare(api, contract):
    alice = api("alice")
    doc = _upload(alice, contract["id"], make_docx(PDF_V1), "c.docx").get_json()
    response = alice.client.post(
        f"/api/v1/documents/{doc['id']}/versions?note=second",
        data=make_docx(PDF_V2),
        headers={
            **alice._headers(),
            "X-Filename": "c2.docx",
            "Content-Type": "application/octet-stream",
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == 2 and response.get_json()["note"] == "second"

    compare = alice.get(f"/api/v1/documents/{doc['id']}/compare?a=1&b=2").get_json()
    assert {"op": "delete", "text": "甲"} in compare["ops"]
    assert {"op": "insert", "text": "乙"} in compare["ops"]
    assert {"op": "delete", "text": "30"} in compare["ops"]

    restored = alice.post(f"/api/v1/documents/{doc['id']}/versions/1/restore")
    assert restored.status_code == 201
    body = restored.get_json()
    assert body["number"] == 3 and body["source"] == "restore" and body["restored_from"] == 1
    versions = alice.get(f"/api/v1/documents/{doc['id']}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2, 3]
    assert versions[2]["sha256"] == versions[0]["sha256"]
    v3 = alice.get(versions[2]["download_url"])
    assert v3.data == make_docx(PDF_V1) or v3.data[:2] == b"PK"


def test_too_large_is_413_before_reading_and_leaves_nothing(app, api, contract):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    alice = api("alice")
    response = alice.client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data=b"x" * 5000,
        headers={**alice._headers(), "X-Filename": "big.txt", "Content-Type": "text/plain"},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "document_too_large"
    assert _files(app) == []


def test_stream_past_the_limit_is_stopped(app, api, contract):
    from contracts.documents import ingest
    from contracts.documents.errors import DocumentTooLargeError
    from webui.documents.settings import document_settings

    app.config["MAX_UPLOAD_BYTES"] = 1000
    with app.app_context():
        settings = document_settings()
    small = type(settings)(**{**settings.__dict__, "max_upload_bytes": 1000})
    with pytest.raises(DocumentTooLargeError):
        ingest.receive(ingest.Upload(io.BytesIO(b"y" * 5000), "big.txt"), small)
    assert _files(app) == []


def test_disallowed_type_is_415_naming_it(app, api, contract):
    response = _upload(api("alice"), contract["id"], b"\x00\x01binary", "x.pdf")
    assert response.status_code == 415
    error = response.get_json()["error"]
    assert "application/octet-stream" in error["message"]
    assert error["details"]["detected_type"] == "application/octet-stream"
    assert _files(app) == []


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\nbroken" * 50, b"PK\x03\x04" + b"\x00" * 100], ids=["pdf", "zip"]
)
def test_corrupt_files_are_422_and_leave_nothing(app, api, contract, data):
    response = _upload(api("alice"), contract["id"], data, "x.pdf")
    assert response.status_code in (415, 422), response.get_json()
    assert _files(app) == []
    assert api("alice").get(f"/api/v1/contracts/{contract['id']}/documents").get_json() == {
        "items": []
    }


def test_other_department_sees_404_and_viewer_cannot_upload(app, api, contract):
    from tests.factories import add_user

    doc = _upload(api("alice"), contract["id"], make_pdf(PDF_V1)).get_json()
    frank = api("frank")  # procurement
    assert frank.get(f"/api/v1/contracts/{contract['id']}/documents").status_code == 404
    assert frank.get(doc["versions"][0]["download_url"]).status_code == 404
    assert _upload(frank, contract["id"], make_pdf(PDF_V1)).status_code == 404

    add_user(app, "victor", roles=["viewer"], groups=[], department="sales")
    victor = api("victor")
    assert victor.get(f"/api/v1/contracts/{contract['id']}/documents").status_code == 200
    assert _upload(victor, contract["id"], make_pdf(PDF_V1)).status_code == 403
    assert victor.post(f"/api/v1/documents/{doc['id']}/versions/1/restore").status_code == 403
    assert victor.get(doc["versions"][0]["download_url"]).status_code == 200


def test_uploads_and_downloads_are_audited(app, api, contract):
    from sqlalchemy import select

    from contracts.audit.models import AuditEntry
    from webui.extensions import db

    alice = api("alice")
    doc = _upload(alice, contract["id"], make_pdf(PDF_V1)).get_json()
    alice.get(doc["versions"][0]["download_url"])
    alice.post(f"/api/v1/documents/{doc['id']}/versions/1/restore")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "document")
        ).all()
    assert actions == ["document.upload", "document.download", "document.restore"]


def test_key_rotation_rewraps_and_old_files_still_decrypt(app, api, contract):
    alice = api("alice")
    data = make_pdf(PDF_V1)
    doc = _upload(alice, contract["id"], data).get_json()
    stored_before = _files(app)[0].read_bytes()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rotate-master-key"])
    assert result.exit_code == 0, result.output
    assert "re-wrapped 1 data key" in result.output
    assert _files(app)[0].read_bytes() == stored_before
    (Path(app.config["INSTANCE_DIR"]) / "master.key.previous").unlink()
    with app.app_context():
        from webui.documents.settings import reset_document_settings

        reset_document_settings()
    assert alice.get(doc["versions"][0]["download_url"]).data == data


def test_body_merge_and_conflict(api, contract):
    alice, bob = api("alice"), api("bob")
    url = f"/api/v1/contracts/{contract['id']}/body"
    base = "Clause 1: pay in 30 days\nClause 2: deliver in May\nClause 3: PRC law"
    first = alice.client.put(
        url, json={"text": base, "base_version": None}, headers=alice._headers()
    )
    assert first.status_code == 200 and first.get_json()["version"] == 1
    bob_edit = base.replace("May", "June")
    assert (
        bob.client.put(
            url, json={"text": bob_edit, "base_version": 1}, headers=bob._headers()
        ).status_code
        == 200
    )
    merged = alice.client.put(
        url, json={"text": base.replace("PRC", "HK"), "base_version": 1}, headers=alice._headers()
    )
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["merged"] is True
    assert merged.get_json()["text"] == base.replace("May", "June").replace("PRC", "HK")
    assert merged.get_json()["version"] == 3

    conflict = bob.client.put(
        url, json={"text": base.replace("May", "July"), "base_version": 1}, headers=bob._headers()
    )
    assert conflict.status_code == 409
    details = conflict.get_json()["error"]["details"]
    assert details["current_version"] == 3
    assert details["conflicts"][0]["ours"][0] == "Clause 2: deliver in July"
    assert details["conflicts"][0]["theirs"][0] == "Clause 2: deliver in June"
    assert alice.get(url).get_json()["version"] == 3


def test_body_with_conflict_markers_is_refused_naming_the_lines(api, contract):
    alice = api("alice")
    url = f"/api/v1/contracts/{contract['id']}/body"
    first = alice.client.put(
        url, json={"text": "Clause 1\nClause 2", "base_version": None}, headers=alice._headers()
    )
    assert first.status_code == 200
    marked = "Clause 1\n<<<<<<< yours\nClause 2: July\n=======\nClause 2: June\n>>>>>>> saved"
    response = alice.client.put(
        url, json={"text": marked, "base_version": 1}, headers=alice._headers()
    )
    assert response.status_code == 422
    [message] = response.get_json()["error"]["details"]["text"]
    assert message.startswith("lines 2, 4, 6 still hold a conflict marker")
    assert alice.get(url).get_json()["version"] == 1
    # Look-alikes inside a line, or longer rules, are ordinary text.
    fine = "Clause 1 ======= x\n========\n<<<<<<<<\na >>>>>>> b"
    saved = alice.client.put(url, json={"text": fine, "base_version": 1}, headers=alice._headers())
    assert saved.status_code == 200, saved.get_json()


def test_save_body_is_importable_for_templates(app, api, contract):
    from contracts.documents.bodies import get_body, save_body
    from contracts.identity.actor import Actor
    from contracts.identity.models import User
    from webui.extensions import db

    with app.app_context():
        alice = db.session.query(User).filter_by(username="alice").one()
        body = save_body(db.session, contract["id"], "采购合同正文", None, Actor(alice))
        db.session.commit()
        assert get_body(db.session, contract["id"], Actor(alice)).text == "采购合同正文"
        assert body.version == 1


def test_documents_appear_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/documents/{document_id}/compare" in paths
    assert "put" in paths["/api/v1/contracts/{contract_id}/body"]
