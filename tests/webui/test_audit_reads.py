"""Reads and refused attempts leave audit entries (issue 12, finding 8)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from contracts import audit
from contracts.audit.models import AuditEntry
from contracts.demo.seed import DEMO_PASSWORD
from tests.contracts.documents.samples import make_pdf
from webui.extensions import db


def _entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        entries = list(db.session.scalars(query))
        db.session.expunge_all()
        return entries


def _newest_id(app) -> int:
    entries = _entries(app)
    return entries[-1].id if entries else 0


@pytest.fixture
def alices(api):
    """A sales contract of alice's with a document and a body."""
    alice = api("alice")
    contract = alice.create_contract()
    document = alice.client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(make_pdf(["Sales contract"])), "c.pdf")},
        headers=alice._headers(),
        content_type="multipart/form-data",
    ).get_json()
    alice.client.put(
        f"/api/v1/contracts/{contract['id']}/body",
        json={"text": "Clause 1", "base_version": None},
        headers=alice._headers(),
    )
    return contract, document


def _reads(contract, document) -> dict[str, tuple[str, str, str]]:
    cid, did = contract["id"], document["id"]
    return {
        f"/api/v1/contracts/{cid}": ("contract", str(cid), "contract.view"),
        f"/api/v1/contracts/{cid}/documents": ("contract", str(cid), "document.list"),
        f"/api/v1/contracts/{cid}/body": ("contract", str(cid), "body.view"),
        f"/api/v1/contracts/{cid}/timeline": ("contract", str(cid), "contract.timeline"),
        f"/api/v1/documents/{did}/versions": ("document", str(did), "document.view"),
        f"/api/v1/documents/{did}/versions/1/download": ("document", str(did), ""),
    }


def test_another_departments_objects_are_404_to_him_and_audited_as_denied(app, api, alices):
    contract, document = alices
    frank = api("frank")  # procurement; alice is sales
    for path, (object_type, object_id, _) in _reads(contract, document).items():
        before = _newest_id(app)

        response = frank.get(path)

        assert response.status_code == 404, path
        assert "does not exist" in response.get_json()["error"]["message"]
        [entry] = [e for e in _entries(app) if e.id > before]
        assert (entry.action, entry.actor) == ("access.denied", "frank"), path
        assert (entry.object_type, entry.object_id) == (object_type, object_id), path
        assert entry.details["path"] == path and entry.details["status"] == 404
        assert entry.details["reason"] == "hidden"
    with app.app_context():
        assert audit.verify_chain(db.session).ok


def test_a_missing_id_is_the_same_404_but_not_a_denial(app, api, alices):
    frank = api("frank")
    hidden = frank.get(f"/api/v1/contracts/{alices[0]['id']}")
    before = _newest_id(app)

    missing = frank.get("/api/v1/contracts/999999")

    assert missing.status_code == hidden.status_code == 404
    assert missing.get_json()["error"]["code"] == hidden.get_json()["error"]["code"]
    assert [e for e in _entries(app) if e.id > before] == []


def test_a_refused_write_is_rolled_back_but_its_denial_is_kept(app, api, alices):
    from tests.factories import add_user

    contract, _ = alices
    add_user(app, "victor", roles=["viewer"], groups=[], department="sales")
    victor = api("victor")
    before = _newest_id(app)

    response = victor.patch(f"/api/v1/contracts/{contract['id']}", json={"title": "Mine now"})

    assert response.status_code == 403
    assert api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()["title"] != (
        "Mine now"
    )
    denied = [e for e in _entries(app, "access.denied") if e.id > before]
    assert [(e.actor, e.details["status"], e.details["reason"]) for e in denied] == [
        ("victor", 403, "forbidden")
    ]
    assert not [e for e in _entries(app, "contract.edit") if e.id > before]


def test_the_html_pages_record_the_denial_too(app, api, alices):
    contract, _ = alices
    client = app.test_client()
    client.post("/login", data={"username": "frank", "password": DEMO_PASSWORD})
    for path in (f"/contracts/{contract['id']}", f"/contracts/{contract['id']}/body"):
        before = _newest_id(app)

        assert client.get(path).status_code == 404

        [entry] = [e for e in _entries(app) if e.id > before]
        assert (entry.action, entry.actor, entry.object_id) == (
            "access.denied",
            "frank",
            str(contract["id"]),
        )


def test_reads_of_her_own_objects_are_audited_once_each(app, api, alices):
    contract, document = alices
    alice = api("alice")
    for path, (object_type, object_id, action) in _reads(contract, document).items():
        if not action:
            continue  # downloads were audited before this issue
        before = _newest_id(app)

        assert alice.get(path).status_code == 200, path

        entries = [e for e in _entries(app) if e.id > before]
        assert [(e.action, e.actor, e.object_type, e.object_id) for e in entries] == [
            (action, "alice", object_type, object_id)
        ], path


def test_a_list_read_is_one_entry_with_its_filter_and_count(app, api, alices):
    alice = api("alice")
    before = _newest_id(app)

    page = alice.get("/api/v1/contracts?status=draft&per_page=5").get_json()

    [entry] = [e for e in _entries(app) if e.id > before]
    assert (entry.action, entry.actor) == ("contract.list", "alice")
    assert entry.details["filters"] == {"status": "draft"}
    assert entry.details["total"] == page["total"]
    assert entry.details["shown"] == [c["id"] for c in page["items"]]


def test_the_contract_list_page_is_one_entry(app, alices):
    client = app.test_client()
    client.post("/login", data={"username": "alice", "password": DEMO_PASSWORD})
    before = _newest_id(app)

    assert client.get("/contracts/?q=Sales").status_code == 200

    [entry] = [e for e in _entries(app) if e.id > before]
    assert (entry.action, entry.actor, entry.details["filters"]) == (
        "contract.list",
        "alice",
        {"q": "Sales"},
    )
