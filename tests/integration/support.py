"""Helpers shared by the integration tests: approvers by group, routing walks, polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.factories import ApiClient

T = TypeVar("T")

# One demo user per candidate group of the shipped approval process.
APPROVER_OF_GROUP = {
    "dept_manager:sales": "bob",
    "dept_manager:procurement": "grace",
    "dept_manager:rd": "judy",
    "legal": "carol",
    "finance": "dave",
    "executive": "erin",
}
APPROVERS = tuple(APPROVER_OF_GROUP.values())
# The demo editor who may draft contracts of each department.
DRAFTER_OF_DEPARTMENT = {"sales": "alice", "procurement": "frank", "rd": "ivan"}


def walk_route(api: Callable[[str], ApiClient], contract_id: int) -> list[str]:
    """Approve a submitted contract step by step; return the candidate group of each step.

    At every step exactly one demo approver must see the contract's task in the
    inbox; that approver approves it. Stops when nobody has a task any more.
    """
    route: list[str] = []
    for _ in range(len(APPROVERS) + 1):
        holders = {u: t for u in APPROVERS if (t := api(u).task_for(contract_id)) is not None}
        if not holders:
            return route
        assert len(holders) == 1, f"after {route}, several approvers see a task: {holders}"
        ((username, task),) = holders.items()
        assert task["bpmn_id"] == "approve_contract", task
        assert len(task["candidate_groups"]) == 1, task
        route.append(task["candidate_groups"][0])
        api(username).approve(contract_id, comment=f"{username} agrees")
    raise AssertionError(f"the route does not end: {route}")


def add_sales_manager(session: Session, username: str) -> None:
    """Create a second sales department manager (member of `dept_manager:sales`)."""
    from contracts.core.reference_data import ensure_group
    from contracts.identity.accounts import hash_password
    from contracts.identity.models import Department, Membership, Role, User
    from tests.factories import DEMO_PASSWORD

    remove_user(session, username)
    sales = session.scalars(select(Department).where(Department.code == "sales")).one()
    user = User(
        username=username,
        display_name=username.title(),
        email=f"{username}@integration.test",
        password_hash=hash_password(DEMO_PASSWORD),
        roles=[str(Role.DEPT_MANAGER)],
        department=sales,
    )
    user.memberships = [Membership(group=ensure_group(session, sales.manager_group))]
    session.add(user)
    session.commit()


def remove_user(session: Session, username: str) -> None:
    """Delete a user added by a test (memberships, tokens and notifications cascade)."""
    from contracts.identity.models import User

    session.execute(delete(User).where(User.username == username))
    session.commit()


def wait_for(
    what: str, probe: Callable[[], T | None], *, timeout: float, interval: float = 0.25
) -> T:
    """Call probe() until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
