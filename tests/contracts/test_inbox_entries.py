"""The inbox's projection follows every change a user makes: counts and lists stay right."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import time_machine
from alembic import command
from sqlalchemy import select

from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.inbox import projection as inbox_entries
from contracts.inbox import queries as inbox
from contracts.inbox.models import InboxEntry
from engine import clock, definitions, instances, runtime, timers
from engine.models import HumanTask, HumanTaskCandidate, HumanTaskStatus
from tests.factories import add_user
from webui.extensions import db
from webui.migrations import alembic_config
from webui.wiring import engine_environment

DEADLINE_BPMN = Path(__file__).parents[1] / "engine" / "bpmn" / "deadline.bpmn"


def _actor(username: str) -> Actor:
    return Actor(user=db.session.scalars(select(User).where(User.username == username)).one())


def tabs(app, username: str, **filters) -> dict[str | None, int]:
    """The counts the user sees on the inbox's tabs (None: "To do", the API's default)."""
    with app.app_context():
        who = _actor(username)
        counts: dict[str | None, int] = dict(
            inbox.tab_counts(db.session, inbox.TaskFilters(**filters), who)
        )
        counts[None] = inbox.count_tasks(db.session, inbox.TaskFilters(**filters), who)
        return counts


def listed(app, username: str, **filters) -> list[tuple[int, str | None]]:
    """(task id, contract number) of the page the user sees."""
    with app.app_context():
        views = inbox.page_of_tasks(db.session, inbox.TaskFilters(**filters), _actor(username))
        return [(v.task.id, v.contract.number if v.contract else None) for v in views]


def entries(app) -> list[tuple[object, ...]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                InboxEntry.task_id,
                InboxEntry.kind,
                InboxEntry.audience,
                InboxEntry.state,
                InboxEntry.created_at,
                InboxEntry.due_at,
                InboxEntry.contract_id,
                InboxEntry.amount_cny,
                InboxEntry.contract_type_id,
                InboxEntry.department_id,
                InboxEntry.search,
            )
        ).all()
        return sorted(tuple(r) for r in rows)


def only(counts: dict[str | None, int]) -> dict[str | None, int]:
    return {scope: n for scope, n in counts.items() if n}


def test_counts_follow_claim_unclaim_delegate_and_complete(app, api):
    add_user(app, "bert", roles=["dept_manager"], groups=["dept_manager:sales"], department="sales")
    contract = api("alice").create_contract(amount="5000.00")
    api("alice").submit(contract["id"])
    task_id = api("bob").task_for(contract["id"])["id"]
    assert only(tabs(app, "bob")) == {"groups": 1, None: 1}
    assert only(tabs(app, "alice")) == {"started": 1}
    assert listed(app, "bob", scope="groups") == [(task_id, contract["number"])]

    assert api("bob").post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    assert only(tabs(app, "bob")) == {"mine": 1, None: 1}
    assert only(tabs(app, "bert")) == {}  # claimed: no longer in the group's tab
    assert only(tabs(app, "alice")) == {"started": 1}

    assert api("bob").post(f"/api/v1/tasks/{task_id}/unclaim").status_code == 200
    assert only(tabs(app, "bob")) == {"groups": 1, None: 1}
    assert only(tabs(app, "bert")) == {"groups": 1, None: 1}

    delegated = api("bob").post(f"/api/v1/tasks/{task_id}/delegate", json={"to": "bert"})
    assert delegated.status_code == 200, delegated.get_json()
    assert only(tabs(app, "bob")) == {}
    assert only(tabs(app, "bert")) == {"mine": 1, None: 1}
    assert listed(app, "bert", scope="mine") == [(task_id, contract["number"])]

    api("bert").approve(contract["id"])
    assert only(tabs(app, "bert")) == {"completed": 1}
    assert listed(app, "bert", scope="completed") == [(task_id, contract["number"])]
    assert only(tabs(app, "alice")) == {}  # approved: nothing of hers is waiting
    listing = api("bert").get("/api/v1/tasks").get_json()
    assert (listing["items"], listing["total"]) == ([], 0)


def test_reject_revise_resubmit_with_a_new_amount(app, api):
    contract = api("alice").create_contract(amount="500000.00")
    api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])
    legal = api("carol").task_for(contract["id"])
    rejected = api("carol").complete(legal["id"], {"decision": "reject", "comment": "Too big"})
    assert rejected.status_code == 200, rejected.get_json()
    assert only(tabs(app, "carol")) == {"completed": 1}
    revision = api("alice").task_for(contract["id"])
    assert only(tabs(app, "alice")) == {"groups": 1, "started": 1, None: 1}
    assert only(tabs(app, "alice", amount_max=Decimal("100000"))) == {}

    assert only(tabs(app, "alice", contract_type="purchase")) == {}
    # The waiting revision task is found by the contract's new type, then its new amount.
    waiting = {"groups": 1, "started": 1, None: 1}
    assert only(tabs(app, "alice", q="renamed")) == {}
    for change in (
        {"contract_type": "purchase"},
        {"amount": "50000"},
        {"title": "Renamed deal", "counterparty": "Zeta Works"},
    ):
        edited = api("alice").patch(f"/api/v1/contracts/{contract['id']}", json=change)
        assert edited.status_code == 200, edited.get_json()
    assert only(tabs(app, "alice", contract_type="purchase")) == waiting
    assert only(tabs(app, "alice", contract_type="sales")) == {}
    assert only(tabs(app, "alice", amount_max=Decimal("100000"))) == waiting
    assert only(tabs(app, "alice", q="RENAMED")) == waiting
    assert only(tabs(app, "alice", q="zeta works")) == waiting
    assert only(tabs(app, "alice", q="ACME")) == {}  # the old counterparty
    resubmitted = api("alice").complete(revision["id"], {"action": "resubmit"})
    assert resubmitted.status_code == 200, resubmitted.get_json()
    assert only(tabs(app, "alice")) == {"completed": 1, "started": 1}
    assert only(tabs(app, "bob", amount_max=Decimal("100000"))) == {
        "groups": 1,
        "completed": 1,
        None: 1,
    }
    assert only(tabs(app, "bob", amount_min=Decimal("100001"))) == {}
    assert [n for _, n in listed(app, "bob", sort="-amount")] == [contract["number"]]


def test_a_task_taken_away_by_a_timer_leaves_every_tab(app):
    add_user(app, "cleo", roles=[], groups=["clerks"])
    add_user(app, "mona", roles=[], groups=["managers"])
    with app.app_context():
        definitions.deploy(db.session, {"deadline.bpmn": DEADLINE_BPMN.read_text()})
        runtime.start_instance(
            db.session,
            "deadline",
            business_key=None,
            data={},
            actor="cleo",
            env=engine_environment(),
        )
        db.session.commit()
    assert only(tabs(app, "cleo")) == {"groups": 1, "started": 1, None: 1}
    [(answer_id, contract)] = listed(app, "cleo")
    assert contract is None  # a task about no contract is listed too

    with app.app_context(), time_machine.travel(clock.now() + timedelta(hours=2), tick=False):
        assert timers.fire_due_timers(db.session, engine_environment()) == 1
        db.session.commit()
        assert db.session.get(HumanTask, answer_id).status == HumanTaskStatus.CANCELLED
    assert only(tabs(app, "cleo")) == {"started": 1}  # the apology task, for the managers
    assert only(tabs(app, "mona")) == {"groups": 1, None: 1}
    assert listed(app, "cleo", scope="groups") == []


def test_a_task_of_two_of_my_groups_is_listed_and_counted_once(app, api):
    add_user(app, "lena", roles=[], groups=["dept_manager:sales", "legal"])
    numbers = []
    for amount in ("5000.00", "6000.00"):
        contract = api("alice").create_contract(amount=amount)
        api("alice").submit(contract["id"])
        numbers.append(contract["number"])
    assert only(tabs(app, "carol")) == {}
    with app.app_context():  # as an escalation does: one more candidate group
        tasks = db.session.scalars(
            select(HumanTask).where(HumanTask.status == "ready").order_by(HumanTask.id)
        ).all()
        for task in tasks:
            task.candidates.append(HumanTaskCandidate(group_name="legal"))
        db.session.commit()
        ids = [task.id for task in tasks]
    assert only(tabs(app, "carol")) == {"groups": 2, None: 2}
    assert only(tabs(app, "lena")) == {"groups": 2, None: 2}
    assert listed(app, "lena", sort="amount") == list(zip(ids, numbers, strict=True))
    pages = [listed(app, "lena", sort="amount", per_page=1, page=n) for n in (1, 2, 3)]
    assert pages == [[(ids[0], numbers[0])], [(ids[1], numbers[1])], []]
    assert api("lena").get("/api/v1/tasks").get_json()["total"] == 2


def test_the_migration_backfills_what_the_listener_writes(app, api):
    """Downgrade and upgrade: the backfilled entries equal the ones kept live."""
    for amount in ("5000.00", "500000.00", "80000.00"):
        contract = api("alice").create_contract(amount=amount)
        api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])
    waiting = api("bob").get("/api/v1/tasks").get_json()["items"][0]["id"]
    assert api("bob").post(f"/api/v1/tasks/{waiting}/claim").status_code == 200
    live = entries(app)
    assert {(kind, state) for _, kind, _, state, *_ in live} >= {
        ("c", "open"),
        ("c", "held"),
        ("c", "done"),
        ("h", "held"),
        ("h", "done"),
        ("s", "open"),
    }
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    command.downgrade(alembic_config(url), "a9c3e7f1b2d5")
    command.upgrade(alembic_config(url), "head")
    assert entries(app) == live
    with app.app_context():
        inbox_entries.rebuild(db.session.connection())
        db.session.commit()
    assert entries(app) == live


def test_a_terminated_instance_leaves_the_inbox(app, api):
    contract = api("alice").create_contract(amount="5000.00")
    api("alice").submit(contract["id"])
    assert only(tabs(app, "bob")) == {"groups": 1, None: 1}
    with app.app_context():
        task = db.session.scalars(select(HumanTask).where(HumanTask.status == "ready")).one()
        instances.terminate(
            db.session,
            task.instance_id,
            actor="admin",
            env=engine_environment(),
            comment="duplicate",
        )
        db.session.commit()
    assert only(tabs(app, "bob")) == {}
    assert only(tabs(app, "alice")) == {}
