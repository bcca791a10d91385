"""Bulk import: preview with per-row errors, import with progress, idempotent re-runs, safe zips."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from contracts.core.models import Contract
from contracts.imports.models import ImportBatch
from contracts.templates.renditions import to_pdf
from webui.extensions import db

HEADER = [
    "number",
    "title",
    "contract_type",
    "amount",
    "currency",
    "department",
    "counterparty",
    "effective_date",
    "expiry_date",
    "tags",
    "external_ref",
    "file",
]
GOOD = [
    [
        "HT-2019-000001",
        "Legacy CRM licence",
        "sales",
        50000,
        "CNY",
        "sales",
        "ACME",
        "2019-01-01",
        "2019-12-31",
        "legacy, crm",
        "ERP-1",
        "",
    ],
    [
        "",
        "Legacy support",
        "service",
        "12000.50",
        "USD",
        "sales",
        "Initech",
        "2020-01-01",
        "2020-12-31",
        "",
        "",
        "support.pdf",
    ],
]
BAD = [
    ["", "Bad amount", "sales", "lots", "CNY", "sales", "ACME", "", "", "", "ERP-3", ""],
    ["", "Unknown department", "sales", 100, "CNY", "marketing", "ACME", "", "", "", "ERP-4", ""],
    ["", "", "sales", 100, "CNY", "sales", "ACME", "", "", "", "ERP-5", ""],
]


def _sheet(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def _upload(signed_in, rows, archive=None, user="admin"):
    client = signed_in(user)
    data = {"sheet": (_sheet(rows), "contracts.xlsx")}
    if archive is not None:
        data["archive"] = (archive, "files.zip")
    return client.client.post(
        "/imports/",
        data=data,
        content_type="multipart/form-data",
    )


def _batch_id(response) -> int:
    assert response.status_code == 302, response.data[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _contracts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contract))


def _rows(app, batch_id):
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        return batch.status, {r.row_number: (r.status, r.errors) for r in batch.rows}


def test_preview_names_row_field_and_message_and_creates_nothing(app, signed_in):
    archive = _zip({"support.pdf": to_pdf("Support contract")})
    batch_id = _batch_id(_upload(signed_in, GOOD + BAD, archive))
    status, rows = _rows(app, batch_id)
    assert status == "previewed"
    assert rows[2] == ("ready", []) and rows[3] == ("ready", [])
    assert rows[4][0] == "invalid" and rows[4][1][0]["field"] == "amount"
    assert rows[5][0] == "invalid" and rows[5][1][0]["field"] == "department"
    assert "unknown department" in rows[5][1][0]["message"]
    assert rows[6][0] == "invalid" and rows[6][1][0]["field"] == "title"
    assert _contracts(app) == 0
    page = signed_in("admin").get(f"/imports/{batch_id}")
    assert page.status_code == 200 and "unknown department" in page.get_data(as_text=True)


def test_import_runs_with_progress_and_a_rerun_skips_imported_rows(app, signed_in):
    archive = _zip({"support.pdf": to_pdf("Support contract 支持服务")})
    admin = signed_in("admin")
    batch_id = _batch_id(_upload(signed_in, GOOD + BAD, archive))
    started = admin.post(f"/imports/{batch_id}/start")
    assert started.status_code == 302
    status, rows = _rows(app, batch_id)
    assert status == "done"
    assert rows[2][0] == "imported" and rows[3][0] == "imported", rows
    assert _contracts(app) == 2
    progress = admin.get(f"/imports/{batch_id}/progress").get_data(as_text=True)
    assert 'value="100"' in progress and "hx-trigger" not in progress
    with app.app_context():
        # The sheet's number is kept as the external reference; the number is ours.
        legacy = db.session.scalars(
            select(Contract).where(Contract.external_ref == "HT-2019-000001")
        ).one()
        assert legacy.number != "HT-2019-000001"
        assert legacy.tags == ["crm", "legacy"]
        support = db.session.scalars(
            select(Contract).where(Contract.title == "Legacy support")
        ).one()
        support_id = support.id
    documents = admin.get(f"/api/v1/contracts/{support_id}/documents").get_json()["items"]
    assert len(documents) == 1

    again = _batch_id(_upload(signed_in, GOOD, _zip({"support.pdf": to_pdf("Support contract")})))
    _, rows = _rows(app, again)
    assert {s for s, _ in rows.values()} == {"duplicate"}
    assert admin.post(f"/imports/{again}/start").status_code == 302
    assert _contracts(app) == 2
    assert admin.post(f"/imports/{batch_id}/start").status_code == 302  # already done: refused
    assert _contracts(app) == 2


@pytest.mark.parametrize(
    "name", ["../evil.pdf", "/etc/evil.pdf", "docs/../../evil.pdf", "C:\\evil.pdf"]
)
def test_zip_path_tricks_are_refused_and_nothing_is_stored(app, signed_in, name):
    response = _upload(signed_in, GOOD, _zip({name: b"%PDF-1.4 evil"}))
    assert response.status_code == 422
    assert "outside the archive" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert _contracts(app) == 0


def test_a_zip_bomb_is_refused(app, signed_in):
    bomb = _zip({"support.pdf": b"\0" * (20 * 1024 * 1024)}, zipfile.ZIP_DEFLATED)
    response = _upload(signed_in, GOOD, bomb)
    assert response.status_code == 422
    assert "zip bomb" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_file_missing_from_the_zip_is_a_row_error(app, signed_in):
    batch_id = _batch_id(_upload(signed_in, GOOD, _zip({"other.pdf": b"%PDF-1.4"})))
    _, rows = _rows(app, batch_id)
    assert rows[3][0] == "invalid" and rows[3][1][0]["field"] == "file"


def test_viewers_may_not_import_and_others_may_not_see_a_batch(app, signed_in):
    assert _upload(signed_in, GOOD, user="carol").status_code == 403
    batch_id = _batch_id(_upload(signed_in, GOOD))
    assert signed_in("alice").get(f"/imports/{batch_id}").status_code == 403


def test_a_file_that_is_not_a_sheet_is_refused(app, signed_in):
    client = signed_in("admin")
    response = client.client.post(
        "/imports/",
        data={"sheet": (io.BytesIO(b"title,amount\nx,1\n"), "contracts.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a readable .xlsx" in response.get_data(as_text=True)


def test_the_import_is_a_named_celery_task(app):
    assert "contracts.import_contracts" in app.extensions["celery"].tasks
