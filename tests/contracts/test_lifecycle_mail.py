"""Expiry reminders reach the owner and the manager by e-mail through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from connectors import email
from engine.outbox import DeliveryRegistry, deliver_due

# Fixtures shared with the lifecycle and e-mail tests: an activated contract, a real
# aiosmtpd server on a free port (with the SMTP settings pointed at it).
from tests.connectors.test_email import port, smtp_server  # noqa: F401
from tests.contracts.test_lifecycle import NOTICE_DAYS, active, at, fire  # noqa: F401
from webui.config import smtp_settings
from webui.extensions import db
from webui.wiring import engine_environment


def deliver_mail(app) -> int:
    """Deliver what is due over SMTP (text messages are not under test here)."""
    handlers = DeliveryRegistry()
    email.register(handlers, settings=smtp_settings)
    handlers.register("sms", lambda message: None)
    with app.app_context():
        report = deliver_due(db.session, engine_environment(), handlers=handlers)
        assert report.dead == [] and report.retrying == []
        return len(report.delivered)


def reminders(inbox, number: str) -> dict[str, int]:
    """Reminder mails about this contract by recipient (task mails are not reminders)."""
    found: dict[str, int] = {}
    for mail in inbox.messages:
        text = "".join(
            part.get_payload(decode=True).decode()
            for part in mail.walk()
            if part.get_content_type() == "text/plain"
        )
        if (
            number in mail["Subject"] + text
            and "task" not in mail["X-ContractFlow-Idempotency-Key"]
        ):
            for address in mail["To"].split(","):
                found[address.strip()] = found.get(address.strip(), 0) + 1
    return found


def test_the_notice_reminder_mail_reaches_owner_and_manager_once(
    app,
    api,
    active,  # noqa: F811
    smtp_server,  # noqa: F811
):
    contract = active()
    number = api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()["number"]
    deliver_mail(app)  # task mails of the approval, sent long ago
    notice = contract["expiry"] - timedelta(days=NOTICE_DAYS)
    with at(notice - timedelta(days=1)):
        fire(app)
        deliver_mail(app)
        assert reminders(smtp_server, number) == {}
    with at(notice):
        assert fire(app) >= 1
        deliver_mail(app)
        assert fire(app) == 0
        deliver_mail(app)
    assert reminders(smtp_server, number) == {
        "alice@demo.contractflow.local": 1,
        "bob@demo.contractflow.local": 1,
    }
