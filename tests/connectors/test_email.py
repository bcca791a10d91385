"""E-mail through a real SMTP server (aiosmtpd on a free localhost port), via the outbox."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from sqlalchemy import select

from connectors import email
from engine import outbox
from engine.models import OutboxMessage, OutboxStatus
from webui.extensions import db
from webui.wiring import engine_environment


class Inbox:
    """An aiosmtpd handler that keeps what arrives; `refuse` answers 550 to every recipient."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, options):  # noqa: N802
        if self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.original_content or b""))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def port(monkeypatch) -> int:
    chosen = free_port()
    monkeypatch.setenv("CONTRACTFLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONTRACTFLOW_SMTP_PORT", str(chosen))
    monkeypatch.setenv("CONTRACTFLOW_MAIL_FROM", "inbox@contractflow.test")
    monkeypatch.setenv("CONTRACTFLOW_BASE_URL", "https://cf.example.com/")
    return chosen


def start_server(port: int) -> tuple[Controller, Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


@pytest.fixture
def smtp_server(port: int) -> Iterator[Inbox]:
    controller, handler = start_server(port)
    yield handler
    controller.stop()


def submit_for_bob(api) -> int:
    """Alice submits a contract: bob's group gets a task, and bob a mail in the outbox."""
    contract = api("alice").create_contract(title="Mailed deal", amount="12345.00")
    api("alice").submit(contract["id"])
    return int(api("bob").task_for(contract["id"])["id"])


def mails_to(address: str) -> list[OutboxMessage]:
    return [
        m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email"))
        if m.payload["to"] == [address]
    ]


def test_the_task_mail_arrives_with_its_link(smtp_server, api, app):
    task_id = submit_for_bob(api)
    with app.app_context():
        report = outbox.deliver_due(db.session, engine_environment())
        assert report.dead == [] and report.retrying == []
        [row] = mails_to("bob@demo.contractflow.local")
        assert row.status == OutboxStatus.DELIVERED
        key = row.idempotency_key
    [mail] = [m for m in smtp_server.messages if m["To"] == "bob@demo.contractflow.local"]
    link = f"https://cf.example.com/inbox/tasks/{task_id}"
    assert "Mailed deal" in mail["Subject"]
    assert mail["From"] == "inbox@contractflow.test"
    assert mail["X-ContractFlow-Idempotency-Key"] == key
    assert mail["Message-ID"].endswith("@contractflow.test>")
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in mail.walk()
        if not part.is_multipart()
    }
    assert link in parts["text/plain"] and f'href="{link}"' in parts["text/html"]


def test_an_outage_delays_mail_but_loses_none(api, app, port):
    submit_for_bob(api)
    with app.app_context():
        report = outbox.deliver_due(
            db.session, engine_environment()
        )  # nobody listens on the port yet
        assert report.retrying and not report.delivered and not report.dead
        [row] = mails_to("bob@demo.contractflow.local")
        assert row.status == OutboxStatus.FAILED and "Connection" in row.last_error
        row_id = row.id
        assert outbox.deliver_due(db.session, engine_environment()).delivered == []  # backing off

    controller, handler = start_server(port)
    try:
        with app.app_context():
            # The backoff has passed.
            for message in db.session.scalars(select(OutboxMessage)):
                message.next_attempt_at -= timedelta(hours=3)
            db.session.commit()
            assert row_id in outbox.deliver_due(db.session, engine_environment()).delivered
        assert any(m["To"] == "bob@demo.contractflow.local" for m in handler.messages)
    finally:
        controller.stop()


def test_a_refused_recipient_is_a_dead_letter(api, app, smtp_server):
    smtp_server.refuse = True
    submit_for_bob(api)
    with app.app_context():
        outbox.deliver_due(db.session, engine_environment())
        [row] = mails_to("bob@demo.contractflow.local")
        assert row.status == OutboxStatus.DEAD and "refused" in row.last_error


@pytest.mark.parametrize(
    "payload",
    [
        {"to": [], "subject": "s", "text": "t"},
        {"to": ["not-an-address"], "subject": "s", "text": "t"},
        {"to": ["a@b.c"], "subject": None, "text": "t"},
        {"to": ["a@b.c"], "subject": "s"},
    ],
)
def test_a_payload_that_cannot_be_a_mail_is_permanent(payload):
    message = OutboxMessage(channel="email", payload=payload, idempotency_key="k")
    with pytest.raises(outbox.PermanentDeliveryError):
        email.build_message(message, email.SmtpSettings())


def test_settings_come_from_the_environment():
    settings = email.SmtpSettings.from_env(
        {
            "CONTRACTFLOW_SMTP_HOST": "mail.example.com",
            "CONTRACTFLOW_SMTP_PORT": "587",
            "CONTRACTFLOW_SMTP_USER": "u",
            "CONTRACTFLOW_SMTP_PASSWORD": "p",
            "CONTRACTFLOW_SMTP_STARTTLS": "true",
            "CONTRACTFLOW_MAIL_FROM": "cf@example.com",
        }
    )
    assert settings == email.SmtpSettings("mail.example.com", 587, "u", "p", True, "cf@example.com")


def test_the_send_operator_is_registered(app):
    environment = engine_environment(app)
    assert "email/Send" in environment.operators
    assert email.CHANNEL in environment.handlers.channels()
