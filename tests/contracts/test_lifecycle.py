"""The contract lifecycle with a moved clock: reminders, renewal, termination, expiry, edits."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from contracts.core.models import Contract
from contracts.identity.models import User
from contracts.lifecycle.dates import add_term, midnight
from contracts.notifications.models import Notification
from engine import clock
from engine.models import OutboxMessage, ProcessInstance
from engine.timers import fire_due_timers
from webui.extensions import db
from webui.wiring import engine_environment

EXPIRY_IN_DAYS = 120
NOTICE_DAYS = 60


@pytest.fixture
def active(app, api):
    """An approved sales contract of alice, marked signed: {"id", "expiry"}."""
    app.config["API_TOKEN_TTL"] = timedelta(days=3000)  # the clock moves years ahead

    def make(**overrides):
        today = clock.now().date()
        expiry = today + timedelta(days=EXPIRY_IN_DAYS)
        payload = {
            "amount": "500.00",
            "effective_date": today.isoformat(),
            "expiry_date": expiry.isoformat(),
            "notice_days": NOTICE_DAYS,
            "auto_renew": False,
            **overrides,
        }
        contract = api("alice").create_contract(**payload)
        api("alice").submit(contract["id"])
        api("bob").approve(contract["id"])
        response = api("bob").post(f"/api/v1/contracts/{contract['id']}/activate")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "active"
        return {"id": contract["id"], "expiry": date.fromisoformat(payload["expiry_date"])}

    return make


def fire(app) -> int:
    with app.app_context():
        return fire_due_timers(db.session, engine_environment())


def at(day: date, hours: int = 1):
    return time_machine.travel(midnight(day) + timedelta(hours=hours), tick=False)


def status(api, contract_id: int) -> str:
    return api("alice").get(f"/api/v1/contracts/{contract_id}").get_json()["status"]


def actions(api, contract_id: int) -> list[str]:
    items = api("alice").get(f"/api/v1/contracts/{contract_id}/timeline").get_json()["items"]
    return [e["action"] for e in items]


def reminded_users(app) -> Counter[str]:
    with app.app_context():
        rows = db.session.execute(
            select(User.username)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.kind == "expiry_reminder")
        )
        return Counter(r[0] for r in rows)


def outbox(app) -> Counter[str]:
    """Reminder messages by channel (task notifications of the inbox are not reminders)."""
    with app.app_context():
        return Counter(
            db.session.scalars(
                select(OutboxMessage.channel).where(
                    OutboxMessage.idempotency_key.not_like("task-%")
                )
            )
        )


def decide(api, contract_id: int, data: dict) -> dict:
    task = api("alice").task_for(contract_id)
    assert task is not None and task["bpmn_id"] == "renewal_decision", task
    response = api("alice").complete(task["id"], data)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_reminded_then_renewed_by_the_owner(app, api, active):
    contract = active()
    notice = contract["expiry"] - timedelta(days=NOTICE_DAYS)
    with at(notice - timedelta(days=1)):
        assert fire(app) == 0
        assert status(api, contract["id"]) == "active"
    with at(notice):
        assert fire(app) >= 1
        assert status(api, contract["id"]) == "expiring"
        assert reminded_users(app) == {"alice": 1, "bob": 1}  # owner and sales manager
        assert outbox(app) == {"email": 1, "sms": 2}
        assert fire(app) == 0  # once
        decide(api, contract["id"], {"decision": "renew", "comment": "good supplier"})
        body = api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()
    assert body["status"] == "active"
    assert body["expiry_date"] == add_term(contract["expiry"], "P1Y").isoformat()
    assert {"reminded", "status_changed", "renewed"} <= set(actions(api, contract["id"]))
    # The next cycle waits for the new notice window: nothing more this year.
    with at(contract["expiry"] + timedelta(days=2)):
        assert fire(app) == 0
        assert status(api, contract["id"]) == "active"


def test_reminded_twice_then_terminated(app, api, active):
    contract = active()
    expiry = contract["expiry"]
    with at(expiry - timedelta(days=NOTICE_DAYS)):
        assert fire(app) >= 1
    with at(expiry - timedelta(days=30)):
        assert fire(app) >= 1
        assert reminded_users(app) == {"alice": 2, "bob": 2}
        effective = expiry - timedelta(days=10)
        bad = api("alice").complete(
            api("alice").task_for(contract["id"])["id"], {"decision": "terminate"}
        )
        assert bad.status_code == 422  # a reason and a date are required
        decide(
            api,
            contract["id"],
            {
                "decision": "terminate",
                "termination_reason": "Supplier merged",
                "termination_date": effective.isoformat(),
            },
        )
        assert status(api, contract["id"]) == "expiring"
    with at(expiry - timedelta(days=10)):
        assert fire(app) >= 1
        assert status(api, contract["id"]) == "terminated"
    assert ["termination_scheduled", "status_changed", "terminated"] == [
        a for a in actions(api, contract["id"]) if a.startswith("termin") or a == "status_changed"
    ][-3:]


def test_no_decision_auto_renews_twice_in_a_row(app, api, active):
    contract = active(auto_renew=True)
    first = add_term(contract["expiry"], "P1Y")
    second = add_term(first, "P1Y")
    with at(contract["expiry"] - timedelta(days=NOTICE_DAYS)):
        fire(app)
    with at(contract["expiry"] + timedelta(days=1)):
        fire(app)
        body = api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()
        assert (body["status"], body["expiry_date"]) == ("active", first.isoformat())
        assert api("alice").task_for(contract["id"]) is None
    with at(first - timedelta(days=NOTICE_DAYS)):
        fire(app)
        assert status(api, contract["id"]) == "expiring"
    with at(first + timedelta(days=1)):
        fire(app)
        body = api("alice").get(f"/api/v1/contracts/{contract['id']}").get_json()
        assert (body["status"], body["expiry_date"]) == ("active", second.isoformat())
    assert actions(api, contract["id"]).count("renewed") == 2
    with app.app_context():  # one instance ran both cycles
        number = db.session.get(Contract, contract["id"]).number
        assert (
            db.session.scalar(select(func.count()).where(ProcessInstance.business_key == number))
            == 2
        )  # the approval and the lifecycle


def test_no_decision_without_auto_renew_expires(app, api, active):
    contract = active()
    with at(contract["expiry"] - timedelta(days=NOTICE_DAYS)):
        fire(app)
    with at(contract["expiry"]):  # still in force on its last day
        fire(app)
        assert status(api, contract["id"]) == "expiring"
    with at(contract["expiry"] + timedelta(days=1)):
        fire(app)
        assert status(api, contract["id"]) == "expired"
        assert api("alice").task_for(contract["id"]) is None
    assert "expired" in actions(api, contract["id"])
    # the clock jumped from the notice date to the last day: the 1-day reminder, once
    assert reminded_users(app) == {"alice": 2, "bob": 2}


def test_renegotiation_drafts_a_linked_copy_and_the_old_term_expires(app, api, active):
    contract = active()
    with at(contract["expiry"] - timedelta(days=NOTICE_DAYS)):
        fire(app)
        decide(api, contract["id"], {"decision": "renegotiate"})
    drafts = api("alice").get("/api/v1/contracts?status=draft").get_json()["items"]
    copy = [c for c in drafts if c["renewal_of_id"] == contract["id"]]
    assert (
        len(copy) == 1
        and copy[0]["effective_date"] == (contract["expiry"] + timedelta(days=1)).isoformat()
    )
    with at(contract["expiry"] + timedelta(days=1)):
        fire(app)
        assert status(api, contract["id"]) == "expired"


def test_editing_the_expiry_date_moves_the_reminders(app, api, active):
    contract = active()
    later = contract["expiry"] + timedelta(days=45)
    response = api("alice").patch(
        f"/api/v1/contracts/{contract['id']}", json={"expiry_date": later.isoformat()}
    )
    assert response.status_code == 200, response.get_json()
    with at(contract["expiry"] - timedelta(days=NOTICE_DAYS)):  # the old notice date
        assert fire(app) == 0
        assert status(api, contract["id"]) == "active"
        assert reminded_users(app) == {}
    with at(later - timedelta(days=NOTICE_DAYS)):
        assert fire(app) >= 1
        assert status(api, contract["id"]) == "expiring"
        assert reminded_users(app) == {"alice": 1, "bob": 1}
        # Shortening the notice while expiring closes the window again.
        response = api("alice").patch(
            f"/api/v1/contracts/{contract['id']}", json={"notice_days": 10}
        )
        assert response.status_code == 200, response.get_json()
        assert status(api, contract["id"]) == "active"
        assert api("alice").task_for(contract["id"]) is None
    with at(later - timedelta(days=10)):
        fire(app)
        assert status(api, contract["id"]) == "expiring"
        assert reminded_users(app) == {"alice": 2, "bob": 2}
    assert "term_changed" in actions(api, contract["id"])
    with app.app_context():
        number = db.session.get(Contract, contract["id"]).number
        lifecycles = db.session.scalar(
            select(func.count()).where(
                ProcessInstance.business_key == number, ProcessInstance.status == "running"
            )
        )
        assert lifecycles == 1  # corrected, not duplicated


def test_activation_refuses_a_past_expiry_and_a_notice_longer_than_the_term(app, api):
    app.config["API_TOKEN_TTL"] = timedelta(days=3000)
    today = clock.now().date()
    long_notice = api("alice").create_contract(
        amount="500.00",
        effective_date=today.isoformat(),
        expiry_date=(today + timedelta(days=20)).isoformat(),
        notice_days=30,
    )
    api("alice").submit(long_notice["id"])
    api("bob").approve(long_notice["id"])
    response = api("bob").post(f"/api/v1/contracts/{long_notice['id']}/activate")
    assert response.status_code == 422
    assert "notice_days" in response.get_json()["error"]["details"]

    with time_machine.travel(datetime.combine(today + timedelta(days=25), datetime.min.time())):
        response = api("bob").post(f"/api/v1/contracts/{long_notice['id']}/activate")
    assert response.status_code == 422
    assert "expiry_date" in response.get_json()["error"]["details"]
    assert status(api, long_notice["id"]) == "approved"

    draft = api("alice").create_contract(amount="500.00")
    response = api("bob").post(f"/api/v1/contracts/{draft['id']}/activate")
    assert response.status_code == 409


def test_a_term_change_with_a_notice_longer_than_the_term_is_refused(app, api, active):
    contract = active()
    response = api("alice").patch(
        f"/api/v1/contracts/{contract['id']}", json={"notice_days": EXPIRY_IN_DAYS + 5}
    )
    assert response.status_code == 422
    # Anything but the term is the approved text: it changes through an amendment.
    response = api("alice").patch(f"/api/v1/contracts/{contract['id']}", json={"title": "x"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "contract_frozen"
