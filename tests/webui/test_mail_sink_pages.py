"""/admin/mail and /admin/sms: admins read what the built-in sink kept; the outbox says why."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from connectors.models import SinkMessage
from engine import outbox
from engine.models import OutboxMessage
from tests.connectors.test_email import free_port, mails_to, submit_for_bob
from tests.contracts.test_lifecycle import NOTICE_DAYS, active, at, fire  # noqa: F401
from tests.webui.account.test_tokens import signed_in
from webui.extensions import db
from webui.wiring import engine_environment


@pytest.fixture
def no_servers(monkeypatch) -> None:
    for name in ("CONTRACTFLOW_SMTP_HOST", "CONTRACTFLOW_SMS_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONTRACTFLOW_BASE_URL", "https://cf.example.com")


def deliver(app) -> None:
    with app.app_context():
        outbox.deliver_due(db.session, engine_environment())


def sink_id(app, outbox_id: int) -> int:
    with app.app_context():
        return db.session.scalars(
            select(SinkMessage.id).where(SinkMessage.outbox_message_id == outbox_id)
        ).one()


def bob_mail(app) -> OutboxMessage:
    with app.app_context():
        [row] = mails_to("bob@demo.contractflow.local")
        return row


def test_an_admin_reads_the_task_mail_with_a_working_link(no_servers, client, api, app):
    task_id = submit_for_bob(api)
    deliver(app)
    row = bob_mail(app)
    signed_in(client, "admin")

    listing = client.get("/admin/mail")
    assert listing.status_code == 200
    assert "Mail does not leave this machine." in listing.text
    assert "CONTRACTFLOW_SMTP_HOST" in listing.text
    assert "bob@demo.contractflow.local" in listing.text
    assert "contractflow@localhost" in listing.text and "Mailed deal" in listing.text

    detail = client.get(f"/admin/mail/{sink_id(app, row.id)}")
    assert detail.status_code == 200
    # The link points into this application, whatever host the admin uses.
    assert f'href="/inbox/tasks/{task_id}"' in detail.text
    iframe = re.search(r"<iframe[^>]*>", detail.text).group(0)
    assert 'sandbox="' in iframe and "allow-scripts" not in iframe
    assert "Mailed deal" in iframe  # the HTML part, escaped into srcdoc
    assert client.get(f"/inbox/tasks/{task_id}").status_code in (200, 403)


def test_the_outbox_shows_the_mail_delivered_to_the_sink(client, api, app, no_servers):
    submit_for_bob(api)
    deliver(app)
    row = bob_mail(app)
    signed_in(client, "admin")
    page = client.get("/admin/connectors/outbox")
    assert page.status_code == 200
    assert "to the built-in mail sink" in page.text
    assert f'href="/admin/mail/{sink_id(app, row.id)}"' in page.text
    assert "Send e-mail · new task" in page.text  # the Operation column is filled
    assert "Mail does not leave this machine." in page.text


def test_only_admins_read_the_sink(client, api, app, no_servers):
    submit_for_bob(api)
    deliver(app)
    kept = sink_id(app, bob_mail(app).id)
    assert client.get("/admin/mail").status_code == 302  # sign in first
    signed_in(client, "alice")
    for path in ("/admin/mail", f"/admin/mail/{kept}", "/admin/sms"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Mailed deal" not in response.text
    # A bearer token counts on the API only: on a page it signs nobody in.
    assert api("alice").get("/admin/mail").status_code == 302


def test_a_script_in_the_html_part_is_neither_inlined_nor_run(client, app, no_servers):
    with app.app_context():
        message = OutboxMessage(
            channel="email",
            payload={
                "to": ["carol@demo.contractflow.local"],
                "subject": "Hostile <b>subject</b>",
                "text": "plain",
                "html": '<p>hi</p><script>alert("x")</script><img src=x onerror="alert(1)">',
            },
            idempotency_key="hostile-1",
        )
        db.session.add(message)
        db.session.commit()
        outbox.deliver_due(db.session, engine_environment())
        outbox_id = message.id
    signed_in(client, "admin")
    response = client.get(f"/admin/mail/{sink_id(app, outbox_id)}")
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "<b>subject</b>" not in response.text
    assert "&lt;script&gt;alert" in response.text  # only inside the sandboxed srcdoc
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    listing = client.get("/admin/mail")
    assert "<b>subject</b>" not in listing.text and "&lt;b&gt;subject" in listing.text


def test_an_sms_reminder_is_readable_at_admin_sms(client, app, active, no_servers):  # noqa: F811
    contract = active()
    with at(contract["expiry"] - timedelta(days=NOTICE_DAYS)):
        assert fire(app) >= 1
        deliver(app)
    with app.app_context():
        row = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "sms")
        ).first()
        assert row is not None and row.status == "delivered"
        to = row.payload["to"]
    signed_in(client, "admin")
    listing = client.get("/admin/sms")
    assert listing.status_code == 200
    assert "Text messages do not leave this machine." in listing.text and to in listing.text
    detail = client.get(f"/admin/sms/{sink_id(app, row.id)}")
    assert detail.status_code == 200 and row.payload["text"] in detail.text
    assert "to the built-in SMS sink" in client.get("/admin/connectors/outbox").text


def test_a_down_mail_server_is_a_sentence_with_the_raw_error_folded(client, api, app, monkeypatch):
    port = free_port()
    monkeypatch.setenv("CONTRACTFLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONTRACTFLOW_SMTP_PORT", str(port))
    submit_for_bob(api)
    deliver(app)
    signed_in(client, "admin")
    page = client.get("/admin/connectors/outbox?status=failed").text
    assert f"The mail server at 127.0.0.1:{port} refused the connection." in page
    raw = re.search(r"<details>.*?</details>", page, re.S).group(0)
    assert "ConnectionRefusedError" in raw
    before = page.split("<details>")[0]
    assert "ConnectionRefusedError" not in before
    assert "Mail does not leave this machine." not in page


def test_the_connectors_page_shows_mail_and_sms_settings(client, monkeypatch, no_servers):
    signed_in(client, "admin")
    page = client.get("/admin/connectors/").text
    table = re.search(r'<table class="table" id="message-channels">.*?</table>', page, re.S)
    assert table and table.group(0).count("built-in sink") == 2
    assert "Mail does not leave this machine." in page

    monkeypatch.setenv("CONTRACTFLOW_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("CONTRACTFLOW_SMS_GATEWAY_URL", "https://u:pa55word@gw.example.com/send")
    monkeypatch.setenv("CONTRACTFLOW_SMS_TOKEN", "token-value")
    page = client.get("/admin/connectors/").text
    assert "smtp.example.com:25" in page and "https://gw.example.com/send" in page
    assert "pa55word" not in page and "token-value" not in page
    assert "built-in sink" not in page and "do not leave this machine" not in page


def test_the_banner_speaks_chinese(client, no_servers):
    signed_in(client, "admin")
    page = client.get("/admin/mail", headers={"Accept-Language": "zh-CN"}).text
    assert "邮件不会离开本机" in page


def test_an_incident_says_its_error_as_a_sentence(client, app):
    from connectors.models import Incident

    raw = "HTTP 422 from https://erp.example.com/purchase-orders: {'error': 'bad supplier'}"
    with app.app_context():
        message = OutboxMessage(
            channel="erp",
            payload={"operation": "erp/CreatePurchaseOrder"},
            idempotency_key="erp-incident-1",
            status="dead",
            last_error=raw,
        )
        db.session.add(message)
        db.session.flush()
        db.session.add(Incident(outbox_message_id=message.id, error=raw))
        db.session.commit()
    signed_in(client, "admin")
    page = client.get("/admin/connectors/incidents").text
    assert "ERP (purchase orders) answered with HTTP status 422." in page
    assert "bad supplier" in re.search(r"<details>.*?</details>", page, re.S).group(0)
    outbox_page = client.get("/admin/connectors/outbox").text
    assert "erp/CreatePurchaseOrder" in outbox_page
