"""Optimistic locking on contract edits: concurrent or stale writers get 409, never 500."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy.orm.exc import StaleDataError
from werkzeug.test import TestResponse

from tests.contracts.documents.samples import make_pdf
from tests.factories import ApiClient, race
from tests.webui.test_pages import browser_as, contract_form, text  # noqa: F401 - fixture


def racers(app, api, count: int = 20) -> list[ApiClient]:
    """`count` API clients for alice, each its own test client (one token between them)."""
    token = api("alice").token
    return [ApiClient(app.test_client(), "alice", token) for _ in range(count)]


def test_twenty_parallel_patches_give_only_200_and_409(app, api):
    contract = api("alice").create_contract(title="Raced draft")
    responses = race(
        [
            lambda c=c, i=i: c.patch(f"/api/v1/contracts/{contract['id']}", json={"title": f"T{i}"})
            for i, c in enumerate(racers(app, api))
        ]
    )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, [r.get_json() for r in responses]
    assert 200 in statuses
    for response in responses:
        if response.status_code == 409:
            assert response.get_json()["error"]["code"] == "concurrent_update"


def test_twenty_parallel_patches_of_one_version_let_exactly_one_win(app, api):
    contract = api("alice").create_contract(title="Raced draft")
    version = contract["edit_version"]
    responses = race(
        [
            lambda c=c, i=i: c.patch(
                f"/api/v1/contracts/{contract['id']}",
                json={"title": f"T{i}", "edit_version": version},
            )
            for i, c in enumerate(racers(app, api))
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19, [r.get_json() for r in responses]
    winner = next(r for r in responses if r.status_code == 200).get_json()
    stored = api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()
    assert stored["title"] == winner["title"]
    assert stored["edit_version"] == version + 1


def test_edit_version_and_etag_come_with_the_contract(api):
    alice = api("alice")
    created = alice.create_contract()
    response = alice.get(f"/api/v1/contracts/{created['id']}")
    version = response.get_json()["edit_version"]
    assert response.headers["ETag"] == f'"{version}"'

    edited = alice.patch(f"/api/v1/contracts/{created['id']}", json={"title": "Renamed"})
    assert edited.status_code == 200
    assert edited.get_json()["edit_version"] == version + 1
    assert edited.headers["ETag"] == f'"{version + 1}"'


def test_a_stale_edit_version_is_409_and_changes_nothing(api):
    alice = api("alice")
    created = alice.create_contract(title="Original")
    path = f"/api/v1/contracts/{created['id']}"
    stale = created["edit_version"]
    assert alice.patch(path, json={"title": "First", "edit_version": stale}).status_code == 200

    response = alice.patch(path, json={"title": "Second", "edit_version": stale})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "concurrent_update"
    assert error["details"] == {"edit_version": stale + 1}
    assert alice.get(path).get_json()["title"] == "First"


def patch_if_match(client: ApiClient, path: str, title: str, etag: str) -> TestResponse:
    headers = {"Authorization": f"Bearer {client.token}", "If-Match": etag}
    return client.client.patch(path, json={"title": title}, headers=headers)


def test_if_match_is_checked_like_edit_version(api):
    alice = api("alice")
    created = alice.create_contract(title="Original")
    path = f"/api/v1/contracts/{created['id']}"
    etag = alice.get(path).headers["ETag"]
    first = patch_if_match(alice, path, "First", etag)
    assert first.status_code == 200, first.get_json()

    stale = patch_if_match(alice, path, "Second", etag)
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "concurrent_update"
    weak = patch_if_match(alice, path, "Third", f"W/{first.headers['ETag']}")
    assert weak.status_code == 200
    assert patch_if_match(alice, path, "Any", "*").status_code == 200
    assert alice.get(path).get_json()["title"] == "Any"


def test_a_malformed_edit_version_is_422(api):
    alice = api("alice")
    path = f"/api/v1/contracts/{alice.create_contract()['id']}"
    for bad in ("1", -1, True, 1.5):
        response = alice.patch(path, json={"title": "X", "edit_version": bad})
        assert response.status_code == 422, bad
        assert "edit_version" in response.get_json()["error"]["details"]
    response = patch_if_match(alice, path, "X", '"abc"')
    assert response.status_code == 422


def _form_of(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrf_token", None)
    return fields


def test_a_stale_form_save_keeps_the_input_and_says_why(browser_as, api):  # noqa: F811
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    form = text(alice.get(f"/contracts/{contract_id}/edit"))
    read_version = re.search(r'name="edit_version" value="(\d+)"', form).group(1)

    # Someone else saves the draft while alice has the form open.
    path = f"/api/v1/contracts/{contract_id}"
    assert api("alice").patch(path, json={"description": "Their note"}).status_code == 200

    mine = contract_form(title="My careful title", amount="123456789012345.67")
    response = alice.post(f"/contracts/{contract_id}/edit", {**mine, "edit_version": read_version})
    assert response.status_code == 409
    html = text(response)
    assert "Someone else saved contract" in html and "your changes were not saved" in html
    kept = _form_of(html)
    assert kept["title"] == "My careful title" and kept["amount"] == "123456789012345.67"
    assert int(kept["edit_version"]) == int(read_version) + 1
    stored = api("alice").get(path).get_json()
    assert stored["title"] == "Annual CRM licence" and stored["description"] == "Their note"

    # Saving the kept input again, on top of the version now shown, goes through.
    again = alice.post(f"/contracts/{contract_id}/edit", {**mine, **kept})
    assert again.status_code == 302
    stored = api("alice").get(path).get_json()
    assert stored["title"] == "My careful title" and stored["amount"] == "123456789012345.67"


def test_the_stale_form_message_is_in_the_users_language(browser_as, api, app):  # noqa: F811
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    form = text(alice.get(f"/contracts/{contract_id}/edit"))
    read_version = re.search(r'name="edit_version" value="(\d+)"', form).group(1)
    assert (
        api("alice").patch(f"/api/v1/contracts/{contract_id}", json={"title": "B"}).status_code
        == 200
    )
    response = alice.post(
        f"/contracts/{contract_id}/edit",
        {**contract_form(title="Mine"), "edit_version": read_version},
        headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert response.status_code == 409
    assert "其他人" in text(response)
    assert _form_of(text(response))["title"] == "Mine"


def test_twenty_parallel_new_versions_of_one_document_never_500(app, api):
    alice = api("alice")
    contract = alice.create_contract()
    data = make_pdf(["Parallel versions"])
    first = alice.client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(data), "v.pdf")},
        headers=alice._headers(),
        content_type="multipart/form-data",
    )
    assert first.status_code == 201, first.get_json()
    document_id = first.get_json()["id"]

    def new_version(client: ApiClient, index: int) -> TestResponse:
        return client.client.post(
            f"/api/v1/documents/{document_id}/versions?note=n{index}",
            data=make_pdf([f"Parallel version {index}"]),
            headers={
                **client._headers(),
                "X-Filename": f"v{index}.pdf",
                "Content-Type": "application/octet-stream",
            },
        )

    responses = race([lambda c=c, i=i: new_version(c, i) for i, c in enumerate(racers(app, api))])
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, [r.get_json() for r in responses]
    created = sorted(r.get_json()["number"] for r in responses if r.status_code == 201)
    assert created == list(range(2, 2 + len(created)))
    versions = alice.get(f"/api/v1/documents/{document_id}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, *created]
    # Only the stored versions have files: a losing request leaves none behind.
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    assert len([p for p in root.rglob("*") if p.is_file()]) == len(versions)


def test_a_stale_data_error_anywhere_is_409_concurrent_update(app):
    def stale() -> str:
        raise StaleDataError("UPDATE statement on table 'x' expected to update 1 row(s)")

    app.add_url_rule("/stale-for-test", view_func=stale)
    client = app.test_client()
    as_json = client.get("/stale-for-test", headers={"Accept": "application/json"})
    assert as_json.status_code == 409
    assert as_json.get_json()["error"]["code"] == "concurrent_update"
    as_page = client.get("/stale-for-test", headers={"Accept": "text/html"})
    assert as_page.status_code == 409 and "concurrent_update" in text(as_page)
