"""One date and time format per locale, in each reader's time zone, on every page and in mail."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from contracts.identity.models import User
from engine.models import OutboxMessage
from tests.conftest import make_app
from tests.factories import ApiClient, contract_payload
from tests.webui.test_pages import Browser
from webui.extensions import db

REPO = Path(__file__).resolve().parents[2]
# 13:49 UTC: 21:49 in Shanghai (the installation's zone), 08:49 in New York.
MOMENT = datetime(2026, 12, 4, 13, 49, tzinfo=UTC)
SHANGHAI_EN = "Dec 4, 2026, 9:49\u202fPM"
NEW_YORK_EN = "Dec 4, 2026, 8:49\u202fAM"
SHANGHAI_ZH = "2026年12月4日 21:49"
OLD_FORMATS = re.compile(r"\b12/4/26\b|2026-12-04 \d\d:\d\d|\d\d:\d\d:\d\d UTC")


@pytest.fixture
def submitted(api):
    """A contract created and submitted at MOMENT: its page, task, timeline, instance and mail."""
    with time_machine.travel(MOMENT, tick=False):
        alice = api("alice")
        contract = alice.create_contract(**contract_payload(title="Time check"))
        alice.submit(contract["id"])
    return contract


def set_profile(app, username: str, **fields: str | None) -> None:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


def signed_in_browser(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def text_of(browser: Browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def script_writes(config: dict, iso: str) -> str:
    """What the admin pages' script (webui/frontend/src/lib/dom.js) writes for a timestamp."""
    node = shutil.which("node")
    # The front end is built with node (make frontend), so every machine that runs the
    # suite has it; a missing node is a broken set-up, not a reason to skip the check.
    assert node is not None, "node is needed to run the page script's formatter"
    script = (REPO / "webui/frontend/src/lib/dom.js").as_uri()
    program = (
        f"import {{ formatPattern }} from {json.dumps(script)};"
        f"process.stdout.write(formatPattern(new Date({json.dumps(iso)}), {json.dumps(config)}));"
    )
    result = subprocess.run(  # noqa: S603 - a fixed program on our own file
        [node, "--input-type=module", "-e", program],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def admin_page_dates(browser: Browser, path: str) -> dict:
    page = browser.get(path).get_data(as_text=True)
    found = re.search(r"data-config='([^']*)'", page)
    assert found, path
    return json.loads(html.unescape(found.group(1)))["dates"]


def test_one_moment_reads_the_same_on_every_page(app, submitted):
    contract_id = submitted["id"]
    set_profile(app, "bob", time_zone="America/New_York")
    with app.app_context():
        # The approver is shown the task's mail in the outbox; put its next attempt at MOMENT too.
        db.session.execute(db.update(OutboxMessage).values(next_attempt_at=MOMENT))
        db.session.commit()
    bob = signed_in_browser(app, "bob")
    admin = signed_in_browser(app, "admin")
    set_profile(app, "admin", time_zone="America/New_York")

    contract_page = text_of(bob, f"/contracts/{contract_id}")
    assert contract_page.count(NEW_YORK_EN) >= 3  # created, updated and the timeline
    assert f'datetime="{MOMENT.isoformat()}' in contract_page  # machine format kept
    inbox = text_of(bob, "/inbox/")
    assert NEW_YORK_EN in inbox
    outbox = text_of(admin, "/admin/connectors/outbox")
    assert NEW_YORK_EN in outbox
    # The instance list is written by a script from the API's ISO times.
    config = admin_page_dates(admin, "/admin/instances/")
    assert config["timeZone"] == "America/New_York"
    assert script_writes(config, MOMENT.isoformat()) == NEW_YORK_EN
    for page in (contract_page, inbox, outbox):
        assert not OLD_FORMATS.search(page)
        assert SHANGHAI_EN not in page


def test_installation_zone_without_a_choice_and_zh_format(app, submitted):
    contract_id = submitted["id"]
    bob = signed_in_browser(app, "bob")
    assert SHANGHAI_EN in text_of(bob, f"/contracts/{contract_id}")

    set_profile(app, "bob", locale="zh")
    assert SHANGHAI_ZH in text_of(bob, f"/contracts/{contract_id}")
    assert SHANGHAI_ZH in text_of(bob, "/inbox/")
    set_profile(app, "admin", locale="zh")
    admin = signed_in_browser(app, "admin")
    config = admin_page_dates(admin, "/admin/instances/")
    assert script_writes(config, MOMENT.isoformat()) == SHANGHAI_ZH


def test_the_profile_sets_and_clears_the_time_zone(app, submitted):
    bob = signed_in_browser(app, "bob")
    page = text_of(bob, "/account/time-zone")
    assert 'value="America/New_York"' in page and "Asia/Shanghai" in page

    response = bob.post("/account/time-zone", {"time_zone": "America/New_York"})
    assert response.status_code == 302
    assert NEW_YORK_EN in text_of(bob, f"/contracts/{submitted['id']}")
    assert "America/New_York" in text_of(bob, "/account/tokens")

    assert bob.post("/account/time-zone", {"time_zone": ""}).status_code == 302
    assert SHANGHAI_EN in text_of(bob, f"/contracts/{submitted['id']}")


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "+08:00", "localtime"])
def test_an_unknown_time_zone_is_refused_with_a_clear_message(app, name):
    bob = signed_in_browser(app, "bob")
    response = bob.post("/account/time-zone", {"time_zone": name})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f"“{name}” is not a time zone. Choose one from the list, such as Asia/Shanghai." in page
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "bob")).one()
        assert user.time_zone is None


def test_zh_message_for_an_unknown_time_zone(app):
    set_profile(app, "bob", locale="zh")
    bob = signed_in_browser(app, "bob")
    response = bob.post("/account/time-zone", {"time_zone": "Mars/Base"})
    assert response.status_code == 422
    assert "“Mars/Base”不是时区" in html.unescape(response.get_data(as_text=True))


def mail_text(app) -> str:
    with app.app_context():
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "email")
        ).all()
        return "\n".join(str(m.payload["text"]) for m in messages)


def test_a_task_mail_gives_the_due_time_in_the_installation_zone(app, submitted):
    text = mail_text(app)
    # The approval task is due three days after MOMENT (CONTRACTFLOW_APPROVAL_SLA = P3D).
    assert "Due: Dec 7, 2026, 9:49\u202fPM (Asia/Shanghai)" in text
    assert "截止时间：2026年12月7日 21:49（Asia/Shanghai）" in text


def test_a_task_mail_follows_the_recipients_zone(app):
    set_profile(app, "bob", time_zone="America/New_York")
    with time_machine.travel(MOMENT, tick=False):
        alice = ApiClient.sign_in(app.test_client(), "alice")
        contract = alice.create_contract(**contract_payload(title="Zone mail"))
        alice.submit(contract["id"])
    assert "Due: Dec 7, 2026, 8:49\u202fAM (America/New_York)" in mail_text(app)


def test_the_installation_zone_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTFLOW_TIME_ZONE", "Not/AZone")
    with pytest.raises(RuntimeError, match="CONTRACTFLOW_TIME_ZONE"):
        make_app(tmp_path / "x.db", tmp_path)
    monkeypatch.setenv("CONTRACTFLOW_TIME_ZONE", "Europe/Paris")
    app = make_app(tmp_path / "y.db", tmp_path)
    assert app.config["DEFAULT_TIME_ZONE"] == "Europe/Paris"
