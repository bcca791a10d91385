"""Document pages through the real forms: upload, versions, download, restore, compare,
the comparison report, the body editor and resolving a three-way conflict; permissions."""

from __future__ import annotations

import html as html_lib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.contracts.documents.samples import make_docx, make_pdf
from tests.factories import DEMO_PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
V1 = ["采购合同 Purchase Contract", "甲方应于三十日内付款。 Payment within 30 days."]
V2 = ["采购合同 Purchase Contract", "乙方应于十日内付款。 Payment within 10 days."]
BASE = "Clause 1: pay in 30 days\nClause 2: deliver in May\nClause 3: PRC law"


class Browser:
    """A test client signed in through /login that posts forms with their CSRF token."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        self.token = ""
        self.get("/login")
        response = self.post("/login", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, text(response)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(path, **kwargs)
        if response.mimetype == "text/html":
            found = TOKEN.search(text(response))
            if found:
                self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kwargs)

    def upload(self, path: str, data: bytes, name: str, **form: str) -> TestResponse:
        return self.post(
            path, {"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data"
        )


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def textarea(html: str) -> str:
    found = re.search(r'<textarea id="body-text" name="text"[^>]*>(.*?)</textarea>', html, re.S)
    return html_lib.unescape(found.group(1))


@pytest.fixture(autouse=True)
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def browser_as(app):
    browsers: dict[str, Browser] = {}

    def signed_in(username: str) -> Browser:
        if username not in browsers:
            browsers[username] = Browser(app.test_client(), username)
        return browsers[username]

    return signed_in


@pytest.fixture
def contract_id(api) -> int:
    return int(api("alice").create_contract()["id"])


@pytest.fixture
def document(browser_as, contract_id) -> int:
    """A document with v1 and v2 uploaded through the pages; its id."""
    alice = browser_as("alice")
    alice.get(f"/contracts/{contract_id}")
    response = alice.upload(
        f"/contracts/{contract_id}/documents", make_docx(V1), "采购合同.docx", title="Main"
    )
    assert response.status_code == 302, text(response)
    page = text(alice.get(f"/contracts/{contract_id}"))
    document_id = int(re.search(r'action="/documents/(\d+)/versions"', page).group(1))
    response = alice.upload(
        f"/documents/{document_id}/versions", make_docx(V2), "采购合同-v2.docx", note="10 days"
    )
    assert response.status_code == 302, text(response)
    return document_id


def _files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_contract_page_upload_form_lists_the_new_document(app, browser_as, contract_id):
    alice = browser_as("alice")
    page = text(alice.get(f"/contracts/{contract_id}"))
    assert 'id="documents"' in page and "No documents yet." in page
    assert f'action="/contracts/{contract_id}/documents"' in page
    assert 'enctype="multipart/form-data"' in page
    data = make_pdf(V1)
    response = alice.upload(
        f"/contracts/{contract_id}/documents", data, "合同.pdf", title="Signed", note="first"
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/contracts/{contract_id}#documents")
    page = text(alice.get(f"/contracts/{contract_id}"))
    assert "Uploaded Signed." in page
    assert "<h3>Signed</h3>" in page and "合同.pdf" in page and "PDF, 1 page<" in page
    assert "No documents yet." not in page
    [stored] = _files(app)
    assert b"%PDF" not in stored.read_bytes()


def test_upload_refusals_show_an_error_page_and_store_nothing(app, browser_as, contract_id):
    alice = browser_as("alice")
    alice.get(f"/contracts/{contract_id}")
    response = alice.upload(f"/contracts/{contract_id}/documents", b"\x00\x01bin", "x.pdf")
    assert response.status_code == 415
    assert "application/octet-stream" in text(response)
    response = alice.upload(f"/contracts/{contract_id}/documents", b"%PDF-1.7\nbad" * 40, "x.pdf")
    assert response.status_code == 422
    assert _files(app) == []


def test_versions_download_and_restore_through_the_page(browser_as, contract_id, document):
    alice = browser_as("alice")
    page = text(alice.get(f"/contracts/{contract_id}"))
    assert "Version 2 uploaded." in page
    assert "v2" in page and "10 days" in page and "采购合同-v2.docx" in page
    assert f'href="/documents/{document}/versions/1/download"' in page
    download = alice.get(f"/documents/{document}/versions/1/download")
    assert download.status_code == 200
    assert download.data[:2] == b"PK"
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "private, no-store"

    alice.get(f"/contracts/{contract_id}")
    response = alice.post(f"/documents/{document}/versions/1/restore")
    assert response.status_code == 302
    page = text(alice.get(f"/contracts/{contract_id}"))
    assert "Version 1 restored as version 3." in page
    assert "(restored from v1)" in page
    restored = alice.get(f"/documents/{document}/versions/3/download")
    assert restored.data == download.data


def test_compare_page_marks_insertions_and_deletions(browser_as, contract_id, document):
    alice = browser_as("alice")
    page = text(alice.get(f"/contracts/{contract_id}"))
    assert f'action="/documents/{document}/compare"' in page
    response = alice.get(f"/documents/{document}/compare?a=1&b=2")
    assert response.status_code == 200
    html = text(response)
    assert "Main: v1 ↔ v2" in html
    assert "<del>甲</del>" in html and "<ins>乙</ins>" in html
    assert "<del>30</del>" in html and "<ins>10</ins>" in html
    assert re.search(r"\d+ inserted, \d+ deleted", html)
    assert f'href="/documents/{document}/compare/report?a=1&amp;b=2"' in html

    report = alice.get(f"/documents/{document}/compare/report?a=1&b=2")
    assert report.status_code == 200
    assert report.headers["Content-Disposition"].startswith("attachment;")
    assert "v1-v2-compare.html" in report.headers["Content-Disposition"]
    body = text(report)
    assert body.startswith("<!doctype html>")
    assert "<del>甲</del>" in body and "<ins>乙</ins>" in body and "SHA-256" in body


def test_compare_needs_two_version_numbers(browser_as, document):
    response = browser_as("alice").get(f"/documents/{document}/compare?a=1")
    assert response.status_code == 422


def test_damaged_file_is_a_500_page_not_a_download(app, browser_as, document):
    for stored in _files(app):
        raw = bytearray(stored.read_bytes())
        raw[50] ^= 0x01
        stored.write_bytes(bytes(raw))
    response = browser_as("alice").get(f"/documents/{document}/versions/1/download")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "damaged in storage" in text(response)


def test_body_editor_saves_versions(browser_as, contract_id):
    alice = browser_as("alice")
    page = text(alice.get(f"/contracts/{contract_id}/body"))
    assert "No body yet." in page and hidden(page, "base_version") == ""
    response = alice.post(f"/contracts/{contract_id}/body", {"base_version": "", "text": BASE})
    assert response.status_code == 302
    page = text(alice.get(f"/contracts/{contract_id}/body"))
    assert "Body saved as version 1." in page
    assert "Version 1, saved by alice" in page
    assert textarea(page) == BASE and hidden(page, "base_version") == "1"


def test_three_way_conflict_is_resolved_in_the_page(browser_as, contract_id):
    alice, bob = browser_as("alice"), browser_as("bob")
    alice.post(f"/contracts/{contract_id}/body", {"base_version": "", "text": BASE})
    # Both open version 1 in the editor.
    alice_page = text(alice.get(f"/contracts/{contract_id}/body"))
    bob_page = text(bob.get(f"/contracts/{contract_id}/body"))
    assert hidden(alice_page, "base_version") == hidden(bob_page, "base_version") == "1"

    saved = bob.post(
        f"/contracts/{contract_id}/body",
        {"base_version": "1", "text": BASE.replace("May", "June")},
    )
    assert saved.status_code == 302

    conflict = alice.post(
        f"/contracts/{contract_id}/body",
        {"base_version": "1", "text": BASE.replace("May", "July")},
    )
    assert conflict.status_code == 409
    html = text(conflict)
    assert "Your edit conflicts with a newer version" in html
    assert "Nothing was overwritten" in html
    assert "Clause 2: deliver in July" in html and "Clause 2: deliver in June" in html
    marked = textarea(html)
    assert "<<<<<<< yours" in marked and ">>>>>>> saved" in marked
    assert hidden(html, "base_version") == "2"
    assert text(bob.get(f"/contracts/{contract_id}/body")).count("deliver in June") == 1

    # Saving the markers as they are is refused, naming the lines.
    refused = alice.post(f"/contracts/{contract_id}/body", {"base_version": "2", "text": marked})
    assert refused.status_code == 422
    assert "still hold a conflict marker" in text(refused)
    lines = [n for n, line in enumerate(marked.split("\n"), 1) if line[:7] in MARKERS]
    assert f"lines {', '.join(map(str, lines))} still" in text(refused)

    resolved = "\n".join(keep_yours(marked.split("\n")))
    done = alice.post(f"/contracts/{contract_id}/body", {"base_version": "2", "text": resolved})
    assert done.status_code == 302
    page = text(alice.get(f"/contracts/{contract_id}/body"))
    assert textarea(page) == BASE.replace("May", "July")
    assert "Version 3, saved by alice" in page


MARKERS = {"<<<<<<<", "|||||||", "=======", ">>>>>>>"}


def keep_yours(lines: list[str]) -> list[str]:
    """Resolve every conflict the way a person would: keep "yours", drop the rest."""
    kept, section = [], None
    for line in lines:
        if line[:7] in MARKERS:
            section = {"<<<<<<<": "yours", ">>>>>>>": None}.get(line[:7], "other")
        elif section in (None, "yours"):
            kept.append(line)
    return kept


def test_other_department_gets_404_and_viewer_403(app, browser_as, contract_id, document):
    from tests.factories import add_user

    frank = browser_as("frank")  # procurement: the sales contract does not exist for him
    for path in (
        f"/contracts/{contract_id}/body",
        f"/documents/{document}/versions/1/download",
        f"/documents/{document}/compare?a=1&b=2",
        f"/documents/{document}/compare/report?a=1&b=2",
    ):
        assert frank.get(path).status_code == 404, path
    frank.get("/inbox/")
    assert frank.post(f"/documents/{document}/versions/1/restore").status_code == 404
    upload = frank.upload(f"/contracts/{contract_id}/documents", make_pdf(V1), "x.pdf")
    assert upload.status_code == 404

    add_user(app, "victor", roles=["viewer"], groups=[], department="sales")
    victor = browser_as("victor")
    page = text(victor.get(f"/contracts/{contract_id}"))
    assert "Main" in page and "Upload a document" not in page and "Restore" not in page
    assert victor.get(f"/documents/{document}/versions/1/download").status_code == 200
    assert victor.get(f"/documents/{document}/compare?a=1&b=2").status_code == 200
    upload = victor.upload(f"/contracts/{contract_id}/documents", make_pdf(V1), "x.pdf")
    assert upload.status_code == 403
    assert victor.post(f"/documents/{document}/versions/1/restore").status_code == 403
    saved = victor.post(f"/contracts/{contract_id}/body", {"base_version": "", "text": "x"})
    assert saved.status_code == 403
