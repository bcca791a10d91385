"""With no SMTP host or SMS gateway set, mail and text messages are kept in the built-in sink."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from connectors.models import SinkChannel, SinkMessage
from connectors.outbox_rows import Reason, Target, explain
from contracts.identity.models import User
from engine import outbox
from engine.models import OutboxMessage, OutboxStatus

# The SMTP fixtures of test_email; an activated contract whose expiry reminders can be fired.
from tests.connectors.test_email import mails_to, port, smtp_server, submit_for_bob  # noqa: F401
from tests.contracts.test_lifecycle import NOTICE_DAYS, active, at, fire  # noqa: F401
from webui.extensions import db
from webui.wiring import engine_environment


@pytest.fixture
def no_servers(monkeypatch) -> None:
    """An embedded installation: neither an SMTP host nor an SMS gateway is configured."""
    for name in ("CONTRACTFLOW_SMTP_HOST", "CONTRACTFLOW_SMS_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONTRACTFLOW_BASE_URL", "https://cf.example.com")


def kept(channel: SinkChannel) -> list[SinkMessage]:
    return list(
        db.session.scalars(
            select(SinkMessage).where(SinkMessage.channel == channel).order_by(SinkMessage.id)
        )
    )


def test_the_task_mail_of_an_approval_step_is_kept_in_the_sink_and_delivered(no_servers, api, app):
    task_id = submit_for_bob(api)
    with app.app_context():
        report = outbox.deliver_due(db.session, engine_environment())
        assert report.retrying == [] and report.dead == []
        [row] = mails_to("bob@demo.contractflow.local")
        assert row.status == OutboxStatus.DELIVERED and row.last_error is None
        assert row.id in report.delivered
        [mail] = [m for m in kept(SinkChannel.EMAIL) if m.outbox_message_id == row.id]
        assert mail.recipients == ["bob@demo.contractflow.local"]
        assert mail.sender == "contractflow@localhost"
        assert "Mailed deal" in mail.subject
        assert mail.link == f"https://cf.example.com/inbox/tasks/{task_id}"
        assert mail.link in mail.text and mail.html and mail.link in mail.html
        # Delivered once: the next run finds nothing to do and keeps no second copy.
        assert outbox.deliver_due(db.session, engine_environment()).delivered == []
        assert len([m for m in kept(SinkChannel.EMAIL) if m.outbox_message_id == row.id]) == 1


def test_an_expiry_reminder_by_sms_is_kept_in_the_sink(no_servers, app, active):  # noqa: F811
    contract = active()
    notice = contract["expiry"] - timedelta(days=NOTICE_DAYS)
    with at(notice):
        assert fire(app) >= 1
        with app.app_context():
            outbox.deliver_due(db.session, engine_environment())
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")))
        assert rows and {r.status for r in rows} == {OutboxStatus.DELIVERED}
        texts = kept(SinkChannel.SMS)
        assert {m.outbox_message_id for m in texts} == {r.id for r in rows}
        phones = set(
            db.session.scalars(select(User.phone).where(User.username.in_(["alice", "bob"])))
        )
        assert {m.recipients[0] for m in texts} == phones
        # Links in reminders are absolute: they are read outside the application.
        url = f"https://cf.example.com/contracts/{contract['id']}"
        assert all(m.text.endswith(f" {url}") for m in texts)
        [mail] = [m for m in kept(SinkChannel.EMAIL) if "expires" in m.subject]
        assert mail.link == url and url in mail.text and f'href="{url}"' in (mail.html or "")


def test_an_explicit_smtp_host_is_used_not_the_sink(api, app, smtp_server):  # noqa: F811
    submit_for_bob(api)
    with app.app_context():
        outbox.deliver_due(db.session, engine_environment())
        assert kept(SinkChannel.EMAIL) == []
    assert any(m["To"] == "bob@demo.contractflow.local" for m in smtp_server.messages)


def test_a_mail_server_that_is_down_is_named_in_the_failure(api, app, port):  # noqa: F811
    submit_for_bob(api)
    with app.app_context():
        outbox.deliver_due(db.session, engine_environment())
        [row] = mails_to("bob@demo.contractflow.local")
        assert row.status == OutboxStatus.FAILED and kept(SinkChannel.EMAIL) == []
        failure = explain(row)
    assert failure is not None
    assert (failure.reason, failure.target, failure.where) == (
        Reason.REFUSED,
        Target.MAIL_SERVER,
        f"127.0.0.1:{port}",
    )


def test_a_refused_recipient_is_named_in_the_failure(api, app, smtp_server):  # noqa: F811
    smtp_server.refuse = True
    submit_for_bob(api)
    with app.app_context():
        outbox.deliver_due(db.session, engine_environment())
        [row] = mails_to("bob@demo.contractflow.local")
        failure = explain(row)
    assert failure is not None and failure.reason == Reason.RECIPIENTS
    assert failure.detail == "bob@demo.contractflow.local"


@pytest.mark.parametrize(
    ("channel", "raw", "reason", "where"),
    [
        ("email", "ConnectionRefusedError: [Errno 111] Connection refused", Reason.REFUSED, ""),
        (
            "email",
            "MailServerError: TimeoutError: timed out [mail server smtp.example.com:25]",
            Reason.TIMEOUT,
            "smtp.example.com:25",
        ),
        (
            "email",
            "MailServerError: gaierror: [Errno -2] Name or service not known "
            "[mail server nowhere.invalid:25]",
            Reason.UNKNOWN_HOST,
            "nowhere.invalid:25",
        ),
        (
            "email",
            "SMTP 554: b'message refused' [mail server smtp.example.com:25]",
            Reason.REJECTED,
            "smtp.example.com:25",
        ),
        (
            "sms",
            "GatewayError: SMS gateway answered 503: busy [SMS gateway https://gw.example.com/send]",
            Reason.HTTP_STATUS,
            "https://gw.example.com/send",
        ),
        (
            "erp",
            "RemoteUnavailableError: no answer within 5.0 s",
            Reason.TIMEOUT,
            "ERP (purchase orders)",
        ),
        ("erp", "the connector 'erp' is disabled", Reason.DISABLED, "ERP (purchase orders)"),
        ("crm", "something odd", Reason.FAILED, "CRM (customer contracts)"),
    ],
)
def test_raw_errors_are_explained(channel, raw, reason, where):
    message = OutboxMessage(channel=channel, payload={}, idempotency_key="k", last_error=raw)
    failure = explain(message)
    assert failure is not None and (failure.reason, failure.where) == (reason, where)


def test_a_gateway_url_never_shows_its_credentials(monkeypatch):
    from webui import channels

    monkeypatch.setenv("CONTRACTFLOW_SMS_GATEWAY_URL", "https://u:pw@gw.example.com:8443/send?k=s")
    assert channels.current().sms.shown_url == "https://gw.example.com:8443/send"
    assert not channels.current().sms_in_sink
