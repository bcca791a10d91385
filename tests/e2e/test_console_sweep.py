"""Every HTML page in a real Chromium: no console error, no page error, no failed request.

The pages are found from the app's URL map, so a new page is swept without anyone listing it;
path parameters are filled from objects seeded here. A few key pages are also opened on a
375 px phone: nothing may be wider than the window, and the header stays short.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import select

from connectors.catalog import CONNECTORS
from tests.conftest import make_app
from tests.contracts.documents.samples import make_docx
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import ApiClient

pytestmark = pytest.mark.e2e

PHONE = (375, 812)

# Not pages: the JSON API, files, feeds, health probes.
SKIPPED_PREFIXES = ("/api/", "/static/")
SKIPPED_ENDPOINTS = {"health.healthz", "health.favicon", "calendar.feed"}
# Downloads (a rendition, a saved comparison report) and signing out are not pages to look at.
SKIPPED_PATTERNS = tuple(re.compile(p) for p in (r"download", r"\.<any\(", r"/report$", r"logout"))
# Query parameters a page cannot do without.
QUERIES = {"documents.compare": {"a": 1, "b": 2}}
# A task page is its candidates' (an admin is refused someone else's task): bob opens it.
VISITORS = {"inbox.task": "bob"}


def _is_page(rule: Any) -> bool:
    return (
        "GET" in rule.methods
        and not rule.rule.startswith(SKIPPED_PREFIXES)
        and rule.endpoint not in SKIPPED_ENDPOINTS
        and not any(p.search(rule.rule) for p in SKIPPED_PATTERNS)
    )


def _sheet() -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "contract_type", "amount", "currency", "department", "counterparty"])
    sheet.append(["Imported licence", "sales", 1000, "CNY", "sales", "ACME"])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _seed(app: Flask) -> dict[str, Any]:
    """Make one of everything a page shows; return the value of each path parameter."""
    from connectors.models import SinkChannel, SinkMessage
    from engine.models import ProcessInstance
    from webui.extensions import db

    client = app.test_client()
    frank = ApiClient.sign_in(client, "frank")
    drafted = frank.post(
        "/api/v1/templates/purchase-zh/draft",
        json={
            "fields": {
                "title": "传感器采购合同",
                "our_company": "上海合约流科技有限公司",
                "counterparty": "北京精工设备有限公司",
                "subject": "工业传感器S-300型200台",
                "amount": 86000.5,
                "currency": "CNY",
                "effective_date": "2027-01-01",
                "expiry_date": "2027-12-31",
            },
            "contract": {"department": "procurement"},
        },
    )
    assert drafted.status_code == 201, drafted.get_json()
    contract_id = drafted.get_json()["contract"]["id"]
    documents = frank.get(f"/api/v1/contracts/{contract_id}/documents").get_json()["items"]
    second = frank.client.post(
        f"/api/v1/documents/{documents[0]['id']}/versions?note=second",
        data=make_docx(["Purchase contract", "Second version of the text."]),
        headers={
            **frank._headers(),
            "X-Filename": "second.docx",
            "Content-Type": "application/octet-stream",
        },
    )
    assert second.status_code == 201, second.get_json()
    alice = ApiClient.sign_in(client, "alice")
    submitted = alice.create_contract(title="Swept licence")
    alice.submit(submitted["id"])
    task = ApiClient.sign_in(client, "bob").task_for(submitted["id"])
    assert task is not None
    printer = alice.create_contract(title="Printer lease")
    alice.submit(printer["id"])
    ApiClient.sign_in(client, "bob").approve(printer["id"])
    amendment = alice.post(f"/api/v1/contracts/{printer['id']}/amendments")
    assert amendment.status_code == 201, amendment.get_json()
    admin = ApiClient.browser(app.test_client(), "admin")
    imported = admin.client.post(
        "/imports/",
        data={"sheet": (_sheet(), "contracts.xlsx")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302, imported.get_data(as_text=True)[:500]
    with app.app_context():
        instance_id = db.session.scalars(select(ProcessInstance.id)).first()
        link = f"/inbox/tasks/{task['id']}"
        mail = SinkMessage(
            channel=SinkChannel.EMAIL,
            sender="contractflow@example.com",
            recipients=["bob@example.com"],
            subject="Approve contract",
            text=f"Please approve: {link}",
            html=f'<p>Please <a href="{link}">approve</a>.</p>',
            link=link,
        )
        sms = SinkMessage(channel=SinkChannel.SMS, recipients=["+8613800000002"], text="Approve")
        db.session.add_all([mail, sms])
        db.session.commit()
        mail_id, sms_id = mail.id, sms.id
    return {
        # The amendment's compare page needs an amendment; every other page takes the draft.
        "contract_id": {"contracts.compare_amendment": amendment.get_json()["id"]},
        "default_contract_id": contract_id,
        "document_id": documents[0]["id"],
        "task_id": task["id"],
        "instance_id": instance_id,
        "batch_id": int(imported.headers["Location"].rstrip("/").rsplit("/", 1)[1]),
        "message_id": {"admin_sink.mail_message": mail_id, "admin_sink.sms_message": sms_id},
        "name": next(iter(CONNECTORS)),
        "key": "contract_approval",
        "version": 1,
        "code": {
            "templates_admin.contract_types_edit": "purchase",
        },
        "default_code": "purchase-zh",
        "number": 1,
    }


def _value(values: dict[str, Any], endpoint: str, name: str) -> Any:
    value = values.get(name, values.get(f"default_{name}"))
    if isinstance(value, dict):
        value = value.get(endpoint, values.get(f"default_{name}"))
    return value


@pytest.fixture(scope="module")
def swept_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A demo installation with one of everything; yield its URL and every page's path."""
    from werkzeug.serving import make_server

    from contracts.demo.seed import load_demo_data
    from webui.cli import upgrade_database
    from webui.extensions import db

    folder = tmp_path_factory.mktemp("sweep")
    seeding = make_app(folder / "sweep.db", folder, DEMO_MODE=True)
    with seeding.app_context():
        upgrade_database(seeding)
        load_demo_data(db.session)
        db.session.commit()
        db.session.remove()
    values = _seed(seeding)
    with seeding.app_context():
        db.engine.dispose()

    app = make_app(folder / "sweep.db", folder, WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    paths = []
    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if not _is_page(rule):
                continue
            params = {name: _value(values, rule.endpoint, name) for name in rule.arguments}
            missing = [name for name, value in params.items() if value is None]
            assert not missing, f"{rule.rule}: nothing seeded for {missing}"
            paths.append(
                (rule.endpoint, url_for(rule.endpoint, **params, **QUERIES.get(rule.endpoint, {})))
            )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="sweep-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", paths
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def signed_in_pages(frontend_built, chromium, swept_server) -> Iterator[Any]:
    """`signed_in_pages(username, width, height)`: a page in a fresh context, signed in."""
    base_url, _paths = swept_server
    contexts = []

    def open_page(username: str, width: int = 1366, height: int = 900) -> Any:
        context = chromium.new_context(
            viewport={"width": width, "height": height}, base_url=base_url
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        return page

    yield open_page
    for context in contexts:
        context.close()


class Problems:
    """Console errors, page errors and failed requests seen while a page loads."""

    def __init__(self, page: Any) -> None:
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.found.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request: Any) -> None:
        # ERR_ABORTED: the browser dropped it because the test moved on to the next page
        # (the favicon is fetched lazily after the load); a server failure is a status.
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"failed: {request.url} {request.failure}")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.found.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.found.append(f"{response.status}: {response.url}")


def test_every_page_loads_without_errors(signed_in_pages, swept_server) -> None:
    _base, paths = swept_server
    assert len(paths) > 30, paths  # the URL map was read, not an empty list
    pages: dict[str, tuple[Any, Problems]] = {}
    failures: dict[str, list[str]] = {}
    for endpoint, path in paths:
        username = VISITORS.get(endpoint, "admin")
        if username not in pages:
            page = signed_in_pages(username)
            pages[username] = (page, Problems(page))
        page, problems = pages[username]
        problems.found.clear()
        response = page.goto(path, wait_until="networkidle")
        if response is None or response.status >= 400:
            problems.found.append(f"the page answered {response.status if response else None}")
        width = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        if width > 0:
            problems.found.append(f"{width}px wider than the window")
        if problems.found:
            failures[path] = sorted(set(problems.found))
    assert not failures, "\n".join(f"{p}: {f}" for p, f in failures.items())


PHONE_PAGES = {
    "contract list": "contracts.index",
    "contract detail": "contracts.detail",
    "inbox": "inbox.index",
    "task": "inbox.task",
    "drafted contract": "templates_admin.drafted",
}


@pytest.mark.parametrize("name", sorted(PHONE_PAGES))
def test_key_pages_fit_a_phone(signed_in_pages, swept_server, name) -> None:
    _base, paths = swept_server
    by_endpoint = dict(paths)
    endpoint = PHONE_PAGES[name]
    page = signed_in_pages(VISITORS.get(endpoint, "admin"), *PHONE)
    page.goto(by_endpoint[endpoint], wait_until="networkidle")
    screenshot(page, f"phone-{name.replace(' ', '-')}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"{name} is {width}px wide on a {PHONE[0]}px phone"
    header = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.topbar, .subnav, .demo-banner')]"
        ".map(e => e.getBoundingClientRect().bottom))"
    )
    assert header <= 150, f"header and demo banner take {header}px of the first screen"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_page_fits_a_phone(chromium, swept_server, locale) -> None:
    """No page is wider than a 375 px phone, in either language: wide tables scroll inside."""
    base_url, paths = swept_server
    contexts: dict[str, Any] = {}
    failures: dict[str, int] = {}
    try:
        for endpoint, path in paths:
            username = VISITORS.get(endpoint, "admin")
            if username not in contexts:
                contexts[username] = chromium.new_context(
                    viewport={"width": PHONE[0], "height": PHONE[1]},
                    base_url=base_url,
                    locale=locale,
                )
                contexts[username].set_default_timeout(15_000)
                sign_in(contexts[username].new_page(), username)
            page = contexts[username].pages[0]
            page.goto(path, wait_until="networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE[0]:
                failures[path] = width
    finally:
        for context in contexts.values():
            context.close()
    report = (f"{path}: {width}px on a {PHONE[0]}px phone" for path, width in failures.items())
    assert not failures, "\n".join(report)
