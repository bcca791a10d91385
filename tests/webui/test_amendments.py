"""Amendments (issue 14, item 1): an approved contract changes only through a new draft
that is approved again; the approved version is kept and both can be compared."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

APPROVED_TEXT = b"Clause 1: pay within 30 days.\nClause 2: deliver in May."
AMENDED_TEXT = b"Clause 1: pay within 10 days.\nClause 2: deliver in May."
BODY = "Clause 1: pay within 30 days\nClause 2: deliver in May"


def upload(client, path: str, data: bytes, name: str = "terms.txt", **form: str):
    return client.client.post(
        path,
        data={"file": (io.BytesIO(data), name), **form},
        headers=client._headers(),
        content_type="multipart/form-data",
    )


def put_body(client, contract_id: int, text: str, base: int | None):
    return client.client.put(
        f"/api/v1/contracts/{contract_id}/body",
        json={"text": text, "base_version": base},
        headers=client._headers(),
    )


def approve_all(api, contract_id: int) -> list[str]:
    """Let whoever the DMN routed the contract to approve it, in turn; return who did."""
    approvers = []
    for name in ("bob", "carol", "dave", "erin"):
        if api(name).task_for(contract_id) is not None:
            api(name).approve(contract_id)
            approvers.append(name)
    return approvers


def snapshot(api, contract_id: int) -> dict[str, Any]:
    alice = api("alice")
    contract = alice.get(f"/api/v1/contracts/{contract_id}").get_json()
    docs = alice.get(f"/api/v1/contracts/{contract_id}/documents").get_json()["items"]
    body = alice.get(f"/api/v1/contracts/{contract_id}/body").get_json()
    return {
        "status": contract["status"],
        "amount": contract["amount"],
        "documents": [(d["title"], [v["sha256"] for v in d["versions"]]) for d in docs],
        "body": (body["version"], body["text"]),
    }


@pytest.fixture
def approved(api) -> dict[str, Any]:
    """An approved contract of alice's with one document and a body."""
    alice = api("alice")
    contract = alice.create_contract(title="Supply agreement", amount="50000.00")
    response = upload(
        alice, f"/api/v1/contracts/{contract['id']}/documents", APPROVED_TEXT, title="Terms"
    )
    assert response.status_code == 201, response.get_json()
    assert put_body(alice, contract["id"], BODY, None).status_code == 200
    alice.submit(contract["id"])
    assert approve_all(api, contract["id"]) == ["bob"]
    return contract


def test_amendment_journey(api, signed_in, approved):
    alice, cid = api("alice"), approved["id"]
    before = snapshot(api, cid)
    assert before["status"] == "approved"

    # The approved contract offers an amendment; starting one opens a linked draft.
    page = signed_in("alice").get(f"/contracts/{cid}").get_data(as_text=True)
    assert "Start an amendment" in page
    started = signed_in("alice").client.post(f"/contracts/{cid}/amendments")
    assert started.status_code == 302
    amendment_id = int(re.search(r"/contracts/(\d+)$", started.headers["Location"]).group(1))
    amendment = alice.get(f"/api/v1/contracts/{amendment_id}").get_json()
    assert amendment["status"] == "draft" and amendment["amends_id"] == cid
    assert amendment["number"] != approved["number"]
    assert (amendment["title"], amendment["amount"]) == ("Supply agreement", "50000.00")

    # It starts from exactly the approved text: same files, same body.
    copy = snapshot(api, amendment_id)
    assert copy["documents"] == before["documents"]
    assert copy["body"][1] == BODY

    # Edit the amendment: a new version of its document, its body and its amount.
    doc = alice.get(f"/api/v1/contracts/{amendment_id}/documents").get_json()["items"][0]
    assert upload(alice, f"/api/v1/documents/{doc['id']}/versions", AMENDED_TEXT).status_code == 201
    edited = put_body(alice, amendment_id, BODY.replace("30 days", "10 days"), copy["body"][0])
    assert edited.status_code == 200
    patched = alice.patch(f"/api/v1/contracts/{amendment_id}", json={"amount": "500000.00"})
    assert patched.status_code == 200, patched.get_json()

    # The approved contract did not change, and says an amendment is in progress.
    assert snapshot(api, cid) == before
    page = signed_in("alice").get(f"/contracts/{cid}").get_data(as_text=True)
    assert f"Amendment {amendment['number']} in progress" in page
    assert "Start an amendment" not in page
    again = alice.post(f"/api/v1/contracts/{cid}/amendments")
    assert again.status_code == 409
    assert amendment["number"] in again.get_json()["error"]["message"]

    # Submitted, it goes through approval again, routed by the DMN for its new amount.
    assert alice.submit(amendment_id)["status"] == "in_review"
    assert approve_all(api, amendment_id) == ["bob", "carol", "dave"]
    assert alice.get(f"/api/v1/contracts/{amendment_id}").get_json()["status"] == "approved"

    # Both are kept: the approved original unchanged, the amendment approved beside it.
    assert snapshot(api, cid) == before
    after = snapshot(api, amendment_id)
    assert after["status"] == "approved" and after["amount"] == "500000.00"
    assert len(after["documents"][0][1]) == 2
    listed = alice.get(f"/api/v1/contracts/{cid}/amendments").get_json()["items"]
    assert [a["id"] for a in listed] == [amendment_id]
    page = signed_in("alice").get(f"/contracts/{cid}").get_data(as_text=True)
    assert f"Amendment {amendment['number']}: Approved." in page
    compare_url = f"/contracts/{amendment_id}/amendment/compare"
    assert compare_url in page

    # The comparison sets the approved text beside the amendment's, changes marked.
    compared = signed_in("alice").get(compare_url)
    assert compared.status_code == 200
    html = compared.get_data(as_text=True)
    assert f"Approved: {approved['number']}" in html
    assert f"Amendment: {amendment['number']}" in html
    assert "<del>30</del>" in html and "<ins>10</ins>" in html
    assert html.count("<del>30</del>") == 2  # the document and the body


def test_amendment_through_the_api_copies_and_keeps_the_original_frozen(api, approved):
    alice, cid = api("alice"), approved["id"]
    response = alice.post(f"/api/v1/contracts/{cid}/amendments")
    assert response.status_code == 201, response.get_json()
    amendment = response.get_json()
    assert amendment["amends_id"] == cid and amendment["status"] == "draft"
    docs = alice.get(f"/api/v1/contracts/{amendment['id']}/documents").get_json()["items"]
    assert [v["source"] for v in docs[0]["versions"]] == ["copy"]
    # The original stays frozen: it is changed only through the amendment.
    refused = alice.patch(f"/api/v1/contracts/{cid}", json={"title": "x"})
    assert refused.get_json()["error"]["code"] == "contract_frozen"


@pytest.mark.parametrize(
    ("user", "status"),
    [("carol", 403), ("frank", 404)],  # legal may read but not edit it; another department
)
def test_only_who_may_edit_a_contract_may_amend_it(api, approved, user, status):
    response = api(user).post(f"/api/v1/contracts/{approved['id']}/amendments")
    assert response.status_code == status
    assert api("alice").get(f"/api/v1/contracts/{approved['id']}/amendments").get_json() == {
        "items": [],
        "total": 0,
        "page": 1,
        "per_page": 1,
    }


def test_a_draft_is_edited_not_amended(api, signed_in):
    contract = api("alice").create_contract()
    response = api("alice").post(f"/api/v1/contracts/{contract['id']}/amendments")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "contract_state"
    page = signed_in("alice").get(f"/contracts/{contract['id']}").get_data(as_text=True)
    assert "Start an amendment" not in page
    # The page's POST anyway says why, without a server error.
    refused = signed_in("alice").client.post(
        f"/contracts/{contract['id']}/amendments", follow_redirects=True
    )
    assert refused.status_code == 200
    assert "only an approved contract is amended" in refused.get_data(as_text=True)


def test_the_migration_keeps_every_contracts_documents_tags_and_body(app, api, approved):
    """On SQLite the new columns are added in place: no copy of the table whose drop
    would cascade into documents, tags and bodies (foreign keys are enforced)."""
    from alembic import command

    from webui.extensions import db
    from webui.migrations import alembic_config

    before = snapshot(api, approved["id"])
    tags = api("alice").get(f"/api/v1/contracts/{approved['id']}").get_json()["tags"]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    command.downgrade(alembic_config(url), "b4e8a1c6f2d9")
    command.upgrade(alembic_config(url), "head")
    assert snapshot(api, approved["id"]) == before
    assert api("alice").get(f"/api/v1/contracts/{approved['id']}").get_json()["tags"] == tags
