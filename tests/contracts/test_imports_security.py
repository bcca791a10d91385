"""Imports can't break numbering, survive a crash without duplicates, refuse sheet bombs,
and take files over 2 MB through the CSRF-protected form (issue 12: 1b, 1c, 4, 7)."""

from __future__ import annotations

import io
import os
import re
import signal
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select, text, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from contracts import imports
from contracts.core import service
from contracts.core.models import Contract, ContractNumberCounter
from contracts.errors import ImportTooLargeError
from contracts.identity.models import User
from contracts.imports.models import ImportBatch
from engine import clock
from engine.errors import InvalidInputError
from tests.factories import DEMO_PASSWORD
from webui.config import REPO_ROOT
from webui.extensions import db
from webui.imports.tasks import import_contracts

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADER = ["number", "title", "contract_type", "amount", "department", "counterparty"]


def _row(title: str, number: str = "") -> list[Any]:
    return [number, title, "sales", 1000, "sales", "ACME"]


def _sheet(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class Browser:
    """Signed in through /login (a browser session, not a token), posting forms with CSRF."""

    def __init__(self, client: FlaskClient, username: str = "admin") -> None:
        self.client = client
        self.token = ""
        self.get("/login")
        response = self.post("/login", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(path, **kwargs)
        found = TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kwargs)

    def upload(self, sheet: bytes, archive: bytes | None = None, **kwargs: Any) -> TestResponse:
        self.get("/imports/")
        fields: dict[str, Any] = {
            "csrf_token": self.token,
            "sheet": FileStorage(io.BytesIO(sheet), "contracts.xlsx"),
        }
        if archive is not None:
            fields["archive"] = FileStorage(io.BytesIO(archive), "files.zip")
        # Encoded in memory: the test client spools big bodies to a file nobody closes.
        boundary, body = encode_multipart(fields)
        content_type = f"multipart/form-data; boundary={boundary}"
        return self.client.post("/imports/", data=body, content_type=content_type, **kwargs)


@pytest.fixture
def browser(app) -> Browser:
    app.config["WTF_CSRF_ENABLED"] = True
    return Browser(app.test_client())


def _batch_id(response: TestResponse) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _counter(app) -> int:
    with app.app_context():
        last = db.session.scalar(
            select(ContractNumberCounter.last).where(ContractNumberCounter.year == clock.now().year)
        )
        return int(last or 0)


def _number(n: int) -> str:
    return f"HT-{clock.now().year}-{n:06d}"


# -- 1b: numbers are the system's --------------------------------------------------------


def test_a_number_taken_past_the_counter_is_skipped_not_a_500(app, api):
    first = api("alice").create_contract(title="Before")["number"]
    last = int(first.rsplit("-", 1)[1])
    with app.app_context():
        taken = db.session.scalars(select(Contract).where(Contract.number == first)).one()
        columns = {c.name: getattr(taken, c.key) for c in Contract.__table__.columns}
        columns.update(id=None, number=_number(last + 1), edit_version=1)
        db.session.execute(Contract.__table__.insert().values(**columns))  # legacy data
        db.session.commit()
    response = api("alice").post(
        "/api/v1/contracts", json={**_payload(), "title": "After the stray row"}
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == _number(last + 2)


def _payload() -> dict[str, Any]:
    from tests.factories import contract_payload

    return contract_payload()


def test_an_imported_number_becomes_the_external_reference_and_creates_keep_working(
    app, api, browser
):
    ahead = _number(_counter(app) + 2)
    batch_id = _batch_id(browser.upload(_sheet([_row("Legacy lease", number=ahead)])))
    assert browser.post(f"/imports/{batch_id}/start").status_code == 302
    with app.app_context():
        imported = db.session.scalars(
            select(Contract).where(Contract.title == "Legacy lease")
        ).one()
        assert imported.number != ahead and imported.external_ref == ahead
        imported_id = imported.id
    for title in ("One", "Two", "Three"):  # the counter passes `ahead` on the way
        api("alice").create_contract(title=title)
    shown = api("admin").get(f"/api/v1/contracts/{imported_id}").get_json()
    assert shown["external_reference"] == ahead
    found = api("admin").get(f"/api/v1/contracts?q={ahead}").get_json()["items"]
    assert imported_id in [c["id"] for c in found]
    page = browser.get(f"/contracts/{imported_id}").get_data(as_text=True)
    assert ahead in page


# -- 1c: per-row atomicity, resume, never stuck "running" -------------------------------


def _crash_on_call(monkeypatch, k: int) -> None:
    """Let create_contract write the k-th contract, then die before the row is marked."""
    original = service.create_contract
    calls = {"n": 0}

    def create(*args: Any, **kwargs: Any) -> Contract:
        contract = original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == k:
            raise RuntimeError("worker killed")
        return contract

    monkeypatch.setattr(service, "create_contract", create)


def _titles(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Contract.title)).all())


def _state(app, batch_id: int) -> tuple[str, dict[int, str]]:
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        return batch.status, {r.row_number: r.status for r in batch.rows}


def _crashed_batch(app, browser, monkeypatch, titles: list[str], k: int) -> int:
    batch_id = _batch_id(browser.upload(_sheet([_row(t) for t in titles])))
    with app.app_context():
        imports.start_import(db.session, batch_id, _actor("admin"))
        db.session.commit()
    _crash_on_call(monkeypatch, k)
    with app.app_context(), pytest.raises(RuntimeError, match="worker killed"):
        import_contracts(batch_id)
    monkeypatch.undo()
    return batch_id


def _actor(username: str):
    from contracts.identity.actor import Actor

    return Actor(user=db.session.scalars(select(User).where(User.username == username)).one())


def test_a_crash_in_row_k_keeps_rows_before_it_once_and_resume_imports_the_rest_once(
    app, browser, monkeypatch
):
    before = _titles(app)
    titles = [f"Row {i}" for i in range(1, 7)]
    batch_id = _crashed_batch(app, browser, monkeypatch, titles, k=4)
    status, rows = _state(app, batch_id)
    assert status == "interrupted"
    assert [s for _, s in sorted(rows.items())] == ["imported"] * 3 + ["ready"] * 3
    assert _titles(app) == sorted(before + titles[:3])  # row 4's contract went with the crash

    page = browser.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert f"/imports/{batch_id}/resume" in page
    assert browser.post(f"/imports/{batch_id}/resume").status_code == 302
    status, rows = _state(app, batch_id)
    assert status == "done" and set(rows.values()) == {"imported"}
    assert _titles(app) == sorted(before + titles)  # each exactly once
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).processed_rows == 6


def test_a_killed_worker_leaves_a_running_batch_that_turns_interrupted_and_resumes(
    app, browser, monkeypatch
):
    titles = [f"Killed {i}" for i in range(1, 5)]
    batch_id = _crashed_batch(app, browser, monkeypatch, titles, k=3)
    with app.app_context():  # a kill -9 marks nothing: the batch still says running
        db.session.execute(
            update(ImportBatch).where(ImportBatch.id == batch_id).values(status="running")
        )
        db.session.commit()
    assert browser.post(f"/imports/{batch_id}/resume").status_code == 302
    assert _state(app, batch_id)[0] == "running"  # still fresh: resume refused
    assert f"/imports/{batch_id}/resume" not in browser.get(f"/imports/{batch_id}").get_data(
        as_text=True
    )
    later = clock.now() + imports.STALE_AFTER + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        listing = browser.get("/imports/").get_data(as_text=True)
        assert "interrupted" in listing
        assert browser.post(f"/imports/{batch_id}/resume").status_code == 302
    status, rows = _state(app, batch_id)
    assert status == "done" and set(rows.values()) == {"imported"}
    assert [t for t in _titles(app) if t.startswith("Killed")] == titles


KILLER = """
import os, signal, sys
from pathlib import Path

from sqlalchemy.orm import Session

from contracts.core import service
from tests.conftest import make_app
from webui.imports.tasks import import_contracts

database, instance, batch_id, k, where = sys.argv[1:6]
app = make_app(Path(database), Path(instance))
seen = []


def dies_on_kth(original):
    def call(*args, **kwargs):
        result = original(*args, **kwargs) if where == "in_row" else None
        seen.append(1)
        if len(seen) == int(k):
            os.kill(os.getpid(), signal.SIGKILL)
        return result if where == "in_row" else original(*args, **kwargs)

    return call


if where == "in_row":  # the k-th contract is inserted, its row not yet marked
    service.create_contract = dies_on_kth(service.create_contract)
else:  # row k is done (savepoint released) but its transaction not committed
    Session.commit = dies_on_kth(Session.commit)
with app.app_context():
    import_contracts(int(batch_id))
"""


@pytest.mark.parametrize("where", ["in_row", "before_commit"])
def test_a_worker_killed_mid_row_leaves_no_half_row_and_the_batch_resumes(app, browser, where):
    titles = [f"Kill {i}" for i in range(1, 6)]
    batch_id = _batch_id(browser.upload(_sheet([_row(t) for t in titles])))
    with app.app_context():
        imports.start_import(db.session, batch_id, _actor("admin"))
        db.session.commit()
        database = db.engine.url.database
    worker = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [
            sys.executable,
            "-c",
            KILLER,
            database,
            str(app.config["INSTANCE_DIR"]),
            str(batch_id),
            "3",
            where,
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()[-2000:]
    status, rows = _state(app, batch_id)
    assert status == "running"  # nobody lived to say otherwise
    assert [s for _, s in sorted(rows.items())] == ["imported"] * 2 + ["ready"] * 3
    assert [t for t in _titles(app) if t.startswith("Kill")] == titles[:2]
    with time_machine.travel(clock.now() + imports.STALE_AFTER + timedelta(minutes=1), tick=False):
        assert f"/imports/{batch_id}/resume" in browser.get(f"/imports/{batch_id}").get_data(
            as_text=True
        )
        assert browser.post(f"/imports/{batch_id}/resume").status_code == 302
    assert _state(app, batch_id)[0] == "done"
    assert [t for t in _titles(app) if t.startswith("Kill")] == titles


# -- 4: sheet bombs ------------------------------------------------------------------------


def _bomb(expanded_mb: int = 64) -> bytes:
    """A real .xlsx whose sharedStrings part is replaced by `expanded_mb` of repeated XML."""
    normal = zipfile.ZipFile(io.BytesIO(_sheet([_row("Bomb")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in normal.infolist():
            if info.filename != "xl/sharedStrings.xml":
                bomb.writestr(info, normal.read(info))
        with bomb.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _ in range(expanded_mb * 1024):
                part.write(chunk)
            part.write(b"</sst>")
    return out.getvalue()


def _lying(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite a member's uncompressed size (and CRC, to match) in both zip headers."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
        with zf.open(info) as stream:
            head = stream.read(declared)
    crc = zlib.crc32(head)
    name = member.encode()
    local = info.header_offset
    assert raw[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", raw, local + 14, crc)
    extra_len = struct.unpack_from("<H", raw, local + 28)[0]
    if struct.unpack_from("<I", raw, local + 22)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", raw, local + 22, declared)
    else:  # zip64: the size lives in the extra field
        extra = local + 30 + len(name)
        struct.pack_into("<Q", raw, extra + 4, declared)
        assert extra_len >= 20
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if bytes(raw[central + 46 : central + 46 + name_len]) == name:
            struct.pack_into("<I", raw, central + 16, crc)
            if struct.unpack_from("<I", raw, central + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", raw, central + 24, declared)
            else:
                struct.pack_into("<Q", raw, central + 46 + name_len + 4, declared)
            break
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb()


def test_a_sheet_bomb_is_refused_quickly_with_bounded_memory(app, bomb):
    assert len(bomb) < 1024 * 1024  # under a megabyte on the wire
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InvalidInputError, match="zip bomb"):
            imports.read_sheet(io.BytesIO(bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 50 * 1024 * 1024


def test_a_sheet_bomb_with_a_lying_header_is_refused_with_bounded_memory(app, bomb):
    lying = _lying(bomb, "xl/sharedStrings.xml", 4096)  # claims 4 KB: no ratio to see
    with zipfile.ZipFile(io.BytesIO(lying)) as zf:
        assert zf.getinfo("xl/sharedStrings.xml").file_size == 4096
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InvalidInputError):
            imports.read_sheet(io.BytesIO(lying))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 50 * 1024 * 1024


def test_many_moderately_compressed_parts_over_the_total_are_refused_as_too_large(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        noise = os.urandom(256 * 1024)
        for i in range(60):  # 60 parts of 1 MB, each compressing only ~4x
            zf.writestr(f"xl/media/part{i}.bin", noise + bytes(768 * 1024))
    with pytest.raises(ImportTooLargeError, match="50 MB"):
        imports.read_sheet(io.BytesIO(out.getvalue()))


def test_the_bomb_through_the_page_gets_a_clear_refusal_in_the_users_language(app, browser, bomb):
    response = browser.upload(bomb, headers={"Accept-Language": "zh"})
    assert response.status_code == 422
    assert "压缩炸弹" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_rows_columns_and_cells_are_capped(app, monkeypatch):
    long_cell = _sheet([_row("x" * (imports.files.MAX_CELL_CHARS + 1))])
    with pytest.raises(InvalidInputError, match="longer than"):
        imports.read_sheet(io.BytesIO(long_cell))
    monkeypatch.setattr(imports.files, "MAX_ROWS", 3)
    with pytest.raises(ImportTooLargeError, match="at most 3 rows"):
        imports.read_sheet(io.BytesIO(_sheet([_row(f"r{i}") for i in range(5)])))
    workbook = Workbook()
    workbook.active.append(HEADER + ["title"] * imports.files.MAX_COLUMNS)
    wide = io.BytesIO()
    workbook.save(wide)
    wide.seek(0)
    with pytest.raises(InvalidInputError, match="columns"):
        imports.read_sheet(wide)


# -- 7 (part): the import's size limit comes before the CSRF check parses the form ----------


def _with_files(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("scan.pdf", os.urandom(size))
    return out.getvalue()


def test_a_5_mb_import_passes_the_csrf_protected_form(app, browser):
    response = browser.upload(_sheet([_row("Big files")]), _with_files(5 * 1024 * 1024))
    batch_id = _batch_id(response)
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).has_archive


def test_an_import_over_the_limit_gets_413_in_the_users_language(app, browser):
    app.config["MAX_UPLOAD_BYTES"] = 3 * 1024 * 1024
    response = browser.upload(
        _sheet([_row("Too big")]),
        _with_files(5 * 1024 * 1024),
        headers={"Accept-Language": "zh"},
    )
    assert response.status_code == 413
    assert "3 MB" in response.get_data(as_text=True)
    assert "拒绝" in response.get_data(as_text=True)


def test_the_import_routes_keep_csrf(app, browser):
    response = browser.client.post(
        "/imports/",
        data={"sheet": (io.BytesIO(_sheet([_row("No token")])), "c.xlsx"), "csrf_token": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_sqlite_import_rows_are_in_one_transaction_with_their_contract(app):
    """The app's engine nests a savepoint in a transaction (a guard for this module's claims)."""
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # a read: the driver has not begun yet
        savepoint = db.session.begin_nested()
        assert db.session.connection().connection.dbapi_connection.in_transaction
        savepoint.commit()
        assert db.session.connection().connection.dbapi_connection.in_transaction
        db.session.rollback()
