"""Mail and text messages speak each recipient's language, with times in their zone.

One run, two languages: bob reads Chinese, bert and alice English. Nothing is mocked:
the messages go through the outbox into the built-in mail and SMS sink.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from connectors.models import SinkChannel, SinkMessage
from contracts.identity.models import User
from engine import outbox
from tests.contracts.test_lifecycle import NOTICE_DAYS, active, at, fire  # noqa: F401
from tests.factories import add_user
from webui.extensions import db
from webui.wiring import engine_environment

BASE = "https://cf.example.com"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def no_servers(monkeypatch) -> None:
    """No SMTP host or SMS gateway (mail and SMS stay in the sink); links to BASE."""
    for name in ("CONTRACTFLOW_SMTP_HOST", "CONTRACTFLOW_SMS_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONTRACTFLOW_BASE_URL", BASE)


def profile(app, username: str, **fields: str) -> None:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


def kept(app, channel: SinkChannel, to: str) -> list[SinkMessage]:
    with app.app_context():
        outbox.deliver_due(db.session, engine_environment())
        rows = db.session.scalars(select(SinkMessage).where(SinkMessage.channel == channel))
        return [row for row in rows if to in row.recipients]


@pytest.fixture
def readers(no_servers, app):
    """bob reads Chinese in Shanghai; bert (a second sales manager) English in London."""
    add_user(app, "bert", roles=["dept_manager"], groups=["dept_manager:sales"], department="sales")
    profile(app, "bert", email="bert@x.test", locale="en", time_zone="Europe/London")
    profile(app, "bob", locale="zh", time_zone="Asia/Shanghai")
    profile(app, "alice", locale="en")


def test_the_task_mail_is_written_in_each_candidates_language(readers, app, active):  # noqa: F811
    active()
    [chinese] = [m for m in kept(app, SinkChannel.EMAIL, "bob@demo.contractflow.local")]
    [english] = [m for m in kept(app, SinkChannel.EMAIL, "bert@x.test")]

    assert chinese.subject.startswith("[ContractFlow] 合同审批：")
    assert "有一项待办等待您处理：合同审批" in chinese.text
    assert re.search(
        r"截止时间：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（Asia/Shanghai）", chinese.text
    )
    assert "A task is waiting" not in chinese.text and "Due:" not in chinese.text

    assert english.subject.startswith("[ContractFlow] Approve contract: ")
    assert "A task is waiting for you: Approve contract" in english.text
    assert re.search(r"Due: \w{3} \d{1,2}, \d{4}, .+ \(Europe/London\)", english.text)
    assert not HAN.search(english.text + english.subject)

    for mail in (chinese, english):
        assert mail.link is not None and mail.link.startswith(f"{BASE}/inbox/tasks/")
        assert mail.link in mail.text


def test_the_expiry_reminder_is_written_in_each_recipients_language(readers, app, active):  # noqa: F811
    contract = active()
    with at(contract["expiry"] - timedelta(days=NOTICE_DAYS)):
        assert fire(app) >= 1
        bob_mail = kept(app, SinkChannel.EMAIL, "bob@demo.contractflow.local")
        alice_mail = kept(app, SinkChannel.EMAIL, "alice@demo.contractflow.local")
    [chinese] = [m for m in bob_mail if "到期" in m.subject]
    [english] = [m for m in alice_mail if "expires" in m.subject]
    url = f"{BASE}/contracts/{contract['id']}"

    assert chinese.recipients == ["bob@demo.contractflow.local"]
    assert re.fullmatch(r"合同 \S+ 将于 \d{4}年\d{1,2}月\d{1,2}日 到期", chinese.subject)
    assert "请登记您的续约决定" in chinese.text and "expires" not in chinese.text
    assert sorted(english.recipients) == ["alice@demo.contractflow.local", "bert@x.test"]
    assert re.fullmatch(r"Contract \S+ expires on \w{3} \d{1,2}, \d{4}", english.subject)
    assert "Please record your renewal decision." in english.text
    assert not HAN.search(english.text + english.subject)
    assert url in chinese.text and url in english.text

    with app.app_context():
        phones = {
            row.username: row.phone for row in db.session.execute(select(User.username, User.phone))
        }
    [chinese_sms] = kept(app, SinkChannel.SMS, str(phones["bob"]))
    [english_sms] = kept(app, SinkChannel.SMS, str(phones["alice"]))
    assert "请登记您的续约决定" in chinese_sms.text and chinese_sms.text.endswith(f" {url}")
    assert english_sms.text.startswith("Contract ") and not HAN.search(english_sms.text)


def test_a_reader_without_a_language_gets_the_installations():
    from contracts.notifications.settings import MessageSettings

    chosen = MessageSettings(default_locale="zh")
    assert [chosen.locale_for(x) for x in (None, "en", "zh", "fr")] == ["zh", "en", "zh", "zh"]
    assert MessageSettings().locale_for(None) is None  # nobody chose: as before, both languages
    assert chosen.zone_for("Not/AZone").key == chosen.default_time_zone


def test_an_empty_name_is_not_looked_up_in_the_catalog(app):
    from webui.settings import message_settings

    with app.app_context():
        settings = message_settings()
    assert settings.gettext("zh", "") == ""
    assert settings.gettext("zh", "Approve contract") == "合同审批"
