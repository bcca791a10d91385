"""The iCalendar feed (RFC 5545) and the expiring-soon API: windows, departments, permissions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from contracts.core.models import Contract
from contracts.lifecycle.icalendar import calendar_feed, fold
from engine import clock

TOKEN = re.compile(r"/calendar/([^/\"<\s]+)\.ics")
DEPARTMENT_OF = {"alice": "sales", "frank": "procurement"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def activate(api):
    """`activate(drafter, approver, days=…)`: an approved contract, marked signed; its JSON."""

    def make(drafter: str, approver: str, *, days: int, notice: int = 10, **extra) -> dict:
        today = clock.now().date()
        contract = api(drafter).create_contract(
            department=DEPARTMENT_OF[drafter],
            amount="500.00",
            effective_date=today.isoformat(),
            expiry_date=(today + timedelta(days=days)).isoformat(),
            notice_days=notice,
            **extra,
        )
        api(drafter).submit(contract["id"])
        api(approver).approve(contract["id"])
        response = api(approver).post(f"/api/v1/contracts/{contract['id']}/activate")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return make


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return [item["number"] for item in body["items"]]


# --- the feed as text ------------------------------------------------------------


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def sample(number: str = "HT-2026-0001", title: str = "Supply", **fields) -> Contract:
    values = {
        "id": 7,
        "number": number,
        "title": title,
        "expiry_date": date(2027, 3, 31),
        "notice_days": 30,
        "auto_renew": True,
        **fields,
    }
    return Contract(**values)


def test_the_feed_is_crlf_folded_at_75_octets_with_all_day_expiry_and_notice_events():
    now = clock.now()
    title = "长期供货框架协议, with a very long English title; it needs folding " * 2
    text = calendar_feed([sample(title=title)], now=now, base_url="https://cf.example/")

    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75, line
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("END:VEVENT") == 2
    assert "UID:contract-7-expiry@contractflow" in lines
    assert "UID:contract-7-notice@contractflow" in lines
    assert lines.count(f"DTSTAMP:{now:%Y%m%dT%H%M%SZ}") == 2
    assert "DTSTART;VALUE=DATE:20270331" in lines and "DTEND;VALUE=DATE:20270401" in lines
    assert "DTSTART;VALUE=DATE:20270301" in lines  # 30 days' notice
    summary = next(line for line in lines if line.startswith("SUMMARY:HT-2026-0001 expires"))
    assert "长期供货框架协议\\, with a very long English title\\; it needs folding" in summary
    assert "URL:https://cf.example/contracts/7" in lines


def test_folding_never_splits_a_utf8_character():
    line = "SUMMARY:" + "合同" * 60
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert len(parts) > 1
    assert all(len(part.encode()) <= (75 if i == 0 else 74) for i, part in enumerate(parts))
    assert "".join(parts) == line  # each part decodes on its own: no character was cut


# --- the feed over HTTP ----------------------------------------------------------


def feed_path(client) -> str:
    html = client.get("/contracts/expiring").get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, "the expiring page shows the calendar address"
    return f"/calendar/{match.group(1)}.ics"


def signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": "demo1234"})
    assert response.status_code == 302
    return client


def test_the_feed_lists_the_users_contracts_and_a_wrong_token_is_404(app, activate):
    mine = activate("alice", "bob", days=45)
    activate("frank", "grace", days=45)  # procurement: not alice's
    path = feed_path(signed_in(app, "alice"))

    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(response.get_data(as_text=True))
    assert [line for line in lines if line.startswith("UID:")] == [
        f"UID:contract-{mine['id']}-expiry@contractflow",
        f"UID:contract-{mine['id']}-notice@contractflow",
    ]
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    user_id, _, signature = token.partition("-")
    assert anonymous.get(f"/calendar/{user_id}-{'0' * len(signature)}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{int(user_id) + 1}-{signature}.ics").status_code == 404
    assert anonymous.get("/calendar/nonsense.ics").status_code == 404


def test_rotating_the_calendar_address_invalidates_the_old_one(app):
    alice = signed_in(app, "alice")
    old = feed_path(alice)
    assert app.test_client().get(old).status_code == 200
    page = alice.get("/contracts/expiring").get_data(as_text=True)
    csrf = CSRF.search(page)
    data = {"csrf_token": csrf.group(1)} if csrf else {}
    assert alice.post("/calendar/rotate", data=data).status_code == 302
    new = feed_path(alice)
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


# --- the expiring-soon API -------------------------------------------------------


def test_expiring_soon_by_window(api, activate):
    soon = activate("alice", "bob", days=20)
    mid = activate("alice", "bob", days=50)
    late = activate("alice", "bob", days=80)
    activate("alice", "bob", days=200)  # beyond every window

    assert numbers(api("alice").get("/api/v1/contracts/expiring")) == [soon["number"]]
    assert numbers(api("alice").get("/api/v1/contracts/expiring?days=60")) == [
        soon["number"],
        mid["number"],
    ]
    items = api("alice").get("/api/v1/contracts/expiring?days=90").get_json()["items"]
    assert [i["number"] for i in items] == [soon["number"], mid["number"], late["number"]]
    assert items[0]["days_left"] == 20
    expiry = date.fromisoformat(items[0]["expiry_date"])
    assert items[0]["notice_date"] == (expiry - timedelta(days=10)).isoformat()


def test_expiring_soon_by_department_and_permissions(api, activate):
    sales = activate("alice", "bob", days=20)
    procurement = activate("frank", "grace", days=25)

    # Legal sees every department; the filter narrows it down.
    assert numbers(api("carol").get("/api/v1/contracts/expiring")) == [
        sales["number"],
        procurement["number"],
    ]
    assert numbers(api("carol").get("/api/v1/contracts/expiring?department=procurement")) == [
        procurement["number"]
    ]
    assert numbers(api("carol").get("/api/v1/contracts/expiring?department=nowhere")) == []
    # A sales editor never sees procurement's contracts, not even by asking for them.
    assert numbers(api("alice").get("/api/v1/contracts/expiring")) == [sales["number"]]
    assert numbers(api("alice").get("/api/v1/contracts/expiring?department=procurement")) == []
    assert numbers(api("grace").get("/api/v1/contracts/expiring")) == [procurement["number"]]


def test_expiring_soon_needs_a_sign_in(client):
    assert client.get("/api/v1/contracts/expiring").status_code == 401


@pytest.mark.parametrize("days", ["45", "0", "abc", "1000", "-30"])
def test_expiring_soon_refuses_a_bad_window(api, days):
    response = api("alice").get(f"/api/v1/contracts/expiring?days={days}")
    assert response.status_code == 422, response.get_json()
    assert "days" in str(response.get_json()["error"]["details"])
