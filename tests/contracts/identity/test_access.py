"""Who may open a contract: owner, department, organisation-wide roles, and its approvers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contracts.core import service
from contracts.errors import ContractNotFoundError
from contracts.identity.actor import Actor
from contracts.identity.models import User
from engine.models import HumanTask, HumanTaskStatus
from tests.factories import add_user
from webui.extensions import db


def actor(username: str) -> Actor:
    return Actor(user=db.session.scalars(select(User).where(User.username == username)).one())


@pytest.fixture
def submitted(api, app):
    """A sales contract waiting for its first approval, and an R&D viewer outside it."""
    add_user(app, "zoe", roles=["viewer"], groups=[], department="rnd")
    contract = api("alice").create_contract(title="Booth rental", amount="5000.00")
    api("alice").submit(contract["id"])
    with app.app_context():
        yield contract["id"]


def test_owner_and_department_see_it_an_outsider_does_not(submitted):
    assert service.get_contract(db.session, submitted, actor("alice")).id == submitted
    assert service.get_contract(db.session, submitted, actor("bob")).id == submitted
    with pytest.raises(ContractNotFoundError):
        service.get_contract(db.session, submitted, actor("zoe"))


def test_an_outsider_who_holds_its_task_may_open_it(submitted):
    task = db.session.scalars(
        select(HumanTask).where(HumanTask.status == HumanTaskStatus.READY)
    ).one()
    task.assignee = "zoe"  # e.g. delegated to her
    db.session.commit()
    assert service.get_contract(db.session, submitted, actor("zoe")).id == submitted


def test_an_outsider_in_a_candidate_group_may_open_it(submitted, app):
    task = db.session.scalars(
        select(HumanTask).where(HumanTask.status == HumanTaskStatus.READY)
    ).one()
    add_user(app, "yann", roles=["viewer"], groups=task.candidate_groups, department="rnd")
    db.session.rollback()  # SQLite reads are repeatable now: end the snapshot that predates yann
    assert service.get_contract(db.session, submitted, actor("yann")).id == submitted
    with pytest.raises(ContractNotFoundError):
        service.get_contract(db.session, submitted + 1000, actor("yann"))
