"""Documents, body and details freeze at submission (issue 14, item 1).

Every write path (upload, new version, restore, body edit, body merge, metadata PATCH),
through the API and through the pages, in every status a contract passes: allowed in
draft and rejected only; 409 `contract_frozen` with the reason otherwise, nothing changed.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.factories import contract_payload

OPEN = ("draft", "rejected")
FROZEN = ("in_review", "approved", "active")
STATUSES = OPEN + FROZEN
BODY_V1 = "Clause 1: pay in 30 days\nClause 2: deliver in May\nClause 3: PRC law"
BODY_V2 = "Clause 1: pay in 30 days\nClause 2: deliver in June\nClause 3: PRC law"
REASONS = {
    "in_review": "is in review: its documents are frozen until a decision",
    "approved": "is approved: change it through an amendment",
    "active": "is active: change it through an amendment",
}


def upload(client, path: str, data: bytes, name: str = "terms.txt", **form: str):
    """POST a multipart upload with the client's bearer token (if any)."""
    return client.client.post(
        path,
        data={"file": (io.BytesIO(data), name), **form},
        headers=client._headers(),
        content_type="multipart/form-data",
    )


def move_to(api, contract_id: int, status: str) -> None:
    """Take a draft of alice's (routed to bob alone) to `status` the way users do."""
    if status == "draft":
        return
    api("alice").submit(contract_id)
    if status == "in_review":
        return
    if status == "rejected":
        task = api("bob").task_for(contract_id)
        decision = {"decision": "reject", "comment": "fix clause 2"}
        assert api("bob").complete(task["id"], decision).status_code == 200
    else:
        api("bob").approve(contract_id)
    if status == "active":
        response = api("bob").post(f"/api/v1/contracts/{contract_id}/activate")
        assert response.status_code == 200, response.get_json()
    got = api("alice").get(f"/api/v1/contracts/{contract_id}").get_json()["status"]
    assert got == status


@pytest.fixture
def contract_in(api):
    """A contract of alice's with a two-version document and a two-version body, in a status."""

    def make(status: str) -> dict[str, Any]:
        alice = api("alice")
        contract = alice.create_contract(title="Freeze test")
        cid = contract["id"]
        first = upload(alice, f"/api/v1/contracts/{cid}/documents", b"version one", title="Terms")
        assert first.status_code == 201, first.get_json()
        doc = first.get_json()["id"]
        second = upload(alice, f"/api/v1/documents/{doc}/versions", b"version two")
        assert second.status_code == 201, second.get_json()
        for base, text in ((None, BODY_V1), (1, BODY_V2)):
            saved = alice.client.put(
                f"/api/v1/contracts/{cid}/body",
                json={"text": text, "base_version": base},
                headers=alice._headers(),
            )
            assert saved.status_code == 200, saved.get_json()
        move_to(api, cid, status)
        return {"id": cid, "number": contract["number"], "document": doc, "status": status}

    return make


def state(api, c: dict[str, Any]) -> tuple[Any, ...]:
    """What a reader sees of the contract's text: title, versions, documents, body."""
    alice = api("alice")
    contract = alice.get(f"/api/v1/contracts/{c['id']}").get_json()
    docs = alice.get(f"/api/v1/contracts/{c['id']}/documents").get_json()["items"]
    body = alice.get(f"/api/v1/contracts/{c['id']}/body").get_json()
    return (
        contract["title"],
        [(d["title"], [v["sha256"] for v in d["versions"]]) for d in docs],
        body["version"],
        body["text"],
    )


def api_write(api, c: dict[str, Any], path: str):
    alice, cid, doc = api("alice"), c["id"], c["document"]
    if path == "upload":
        return upload(alice, f"/api/v1/contracts/{cid}/documents", b"another", title="Annex")
    if path == "new_version":
        return upload(alice, f"/api/v1/documents/{doc}/versions", b"version three")
    if path == "restore":
        return alice.post(f"/api/v1/documents/{doc}/versions/1/restore")
    if path in ("body_edit", "body_merge"):
        # A merge is an edit of an older version (1) that changes other lines than 2's.
        base = 2 if path == "body_edit" else 1
        text = BODY_V2 if base == 2 else BODY_V1
        return alice.client.put(
            f"/api/v1/contracts/{cid}/body",
            json={"text": text.replace("PRC law", "HK law"), "base_version": base},
            headers=alice._headers(),
        )
    assert path == "metadata"
    return alice.patch(f"/api/v1/contracts/{cid}", json={"title": "Changed title"})


PATHS = ("upload", "new_version", "restore", "body_edit", "body_merge", "metadata")


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("path", PATHS)
def test_api_writes_are_allowed_only_in_draft_and_rejected(api, contract_in, path, status):
    contract = contract_in(status)
    before = state(api, contract)
    response = api_write(api, contract, path)
    if status in OPEN:
        assert response.status_code in (200, 201), response.get_json()
        assert state(api, contract) != before
        return
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "contract_frozen"
    assert error["message"] == f"contract {contract['number']} {REASONS[status]}"
    assert error["details"]["status"] == status
    assert state(api, contract) == before


def page_write(browser, c: dict[str, Any], path: str):
    cid, doc = c["id"], c["document"]
    if path == "upload":
        return upload(browser, f"/contracts/{cid}/documents", b"another", title="Annex")
    if path == "new_version":
        return upload(browser, f"/documents/{doc}/versions", b"version three")
    if path == "restore":
        return browser.client.post(f"/documents/{doc}/versions/1/restore")
    if path in ("body_edit", "body_merge"):
        base = 2 if path == "body_edit" else 1
        text = BODY_V2 if base == 2 else BODY_V1
        form = {"text": text.replace("PRC law", "HK law"), "base_version": str(base)}
        return browser.client.post(f"/contracts/{cid}/body", data=form)
    assert path == "metadata"
    form = {**contract_payload(title="Changed title"), "tags": "crm", "notice_days": "30"}
    del form["auto_renew"]
    return browser.client.post(f"/contracts/{cid}/edit", data=form, follow_redirects=True)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("path", PATHS)
def test_page_writes_are_allowed_only_in_draft_and_rejected(
    api, signed_in, contract_in, path, status
):
    contract = contract_in(status)
    before = state(api, contract)
    response = page_write(signed_in("alice"), contract, path)
    html = response.get_data(as_text=True)
    if status in OPEN:
        assert response.status_code in (200, 302), html
        assert state(api, contract) != before
        return
    # The refusal is shown with its reason, never a server error, and nothing changed.
    assert response.status_code in (409, 200), html
    if path != "metadata":
        assert response.status_code == 409
    assert REASONS[status].split(":")[0] in html
    assert "change it through an amendment" in html or status == "in_review"
    assert state(api, contract) == before


@pytest.mark.parametrize("status", STATUSES)
def test_the_contract_page_offers_changes_only_while_open(signed_in, contract_in, status):
    contract = contract_in(status)
    browser = signed_in("alice")
    html = browser.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    body = browser.get(f"/contracts/{contract['id']}/body").get_data(as_text=True)
    changes = ("Upload version", ">Restore<", 'name="title"', "Upload a document")
    if status in OPEN:
        assert all(mark in html for mark in changes), status
        assert 'id="body-text" name="text"' in body and "readonly" not in body
        assert "frozen" not in html
        return
    assert not any(mark in html for mark in changes), status
    assert "frozen" in html
    assert "readonly" in body and "frozen" in body
    assert f"/contracts/{contract['id']}/edit" not in html


def test_a_frozen_contract_is_frozen_for_admins_too(api, contract_in):
    contract = contract_in("approved")
    response = api("admin").patch(f"/api/v1/contracts/{contract['id']}", json={"title": "x"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "contract_frozen"
    restore = api("admin").post(f"/api/v1/documents/{contract['document']}/versions/1/restore")
    assert restore.status_code == 409


def test_the_term_of_an_active_contract_still_changes_with_its_lifecycle(api, contract_in):
    contract = contract_in("active")
    response = api("alice").patch(
        f"/api/v1/contracts/{contract['id']}", json={"expiry_date": "2028-06-30"}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["expiry_date"] == "2028-06-30"
