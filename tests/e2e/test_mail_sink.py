"""The mail sink in a real Chromium: the HTML part renders, its script never runs, links work."""

from __future__ import annotations

import re

import pytest

from engine import outbox
from engine.models import OutboxMessage
from tests.conftest import make_app
from tests.e2e.conftest import screenshot, sign_in
from webui.extensions import db
from webui.wiring import engine_environment

pytestmark = pytest.mark.e2e

HTML = (
    '<p id="greeting">Hello from the sink</p>'
    '<p><a id="open" href="https://cf.example.com/contracts/">Open the contracts</a></p>'
    '<script>parent.document.title = "pwned"; document.body.dataset.ran = "yes";</script>'
)


def keep_a_mail(tmp_path) -> None:
    """Queue a mail on the live server's database and deliver it (no SMTP host: the sink)."""
    app = make_app(tmp_path / "e2e.db", tmp_path)
    with app.app_context():
        db.session.add(
            OutboxMessage(
                channel="email",
                payload={
                    "to": ["carol@demo.contractflow.local"],
                    "subject": "Sink in a browser",
                    "text": "Hello from the sink",
                    "html": HTML,
                },
                idempotency_key="e2e-sink-1",
            )
        )
        db.session.commit()
        assert outbox.deliver_due(db.session, engine_environment()).delivered
        db.session.remove()
        db.engine.dispose()


def test_an_admin_reads_a_kept_mail_and_follows_its_link(new_page, tmp_path, monkeypatch):
    monkeypatch.delenv("CONTRACTFLOW_SMTP_HOST", raising=False)
    monkeypatch.setenv("CONTRACTFLOW_BASE_URL", "https://cf.example.com")
    keep_a_mail(tmp_path)
    page = new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    sign_in(page, "admin")

    page.goto("/admin/mail")
    assert page.is_visible("text=Mail does not leave this machine.")
    page.click("text=Sink in a browser")
    page.wait_for_url(re.compile(r".*/admin/mail/\d+$"))
    frame = page.frame_locator("iframe.mail-body")
    assert frame.locator("#greeting").inner_text() == "Hello from the sink"
    assert frame.locator("body").get_attribute("data-ran") is None  # the script never ran
    assert page.title() != "pwned"
    screenshot(page, "admin-mail-sink")

    frame.locator("#open").click()  # a link into the application opens in the window
    page.wait_for_url(re.compile(r".*/contracts/$"))
    assert page.url.startswith("http://127.0.0.1:")
    assert failed == []

    page.goto("/admin/connectors/outbox")
    page.click("text=to the built-in mail sink")
    page.wait_for_url(re.compile(r".*/admin/mail/\d+$"))
