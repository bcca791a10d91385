"""A few sample contracts for `make run`, so a newcomer's inbox shows a working day.

Everything goes through the service layer, as a user's clicks would: the approval
process routes each submission, the inbox, history, notifications and audit log are
exactly what they would be. Loaded only into a database without contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.approval.forms import FormLibrary
from contracts.approval.settings import ApprovalSettings
from contracts.core import service
from contracts.core.models import Contract
from contracts.identity.accounts import find_user
from contracts.identity.actor import Actor
from contracts.inbox import actions
from engine.environment import EngineEnvironment
from engine.models import HumanTask, HumanTaskStatus, ProcessInstance


@dataclass(frozen=True)
class Sample:
    drafter: str
    title: str
    contract_type: str
    department: str
    amount: str
    counterparty: str
    submit: bool = True
    # (user, decision, comment) in order, each on the task waiting at that point
    decisions: list[tuple[str, str, str]] = field(default_factory=list)


SAMPLES = [
    Sample("alice", "Trade show booth, Shanghai 2027", "sales", "sales", "48000.00",
           "Expo Partners Ltd."),
    Sample("alice", "Distribution agreement, East China", "sales", "sales", "2000000.00",
           "Huadong Trading Co.", decisions=[("bob", "approve", "Margins agreed with finance.")]),
    Sample("frank", "Laptop refresh 2027", "purchase", "procurement", "320000.00",
           "Northwind Computers",
           decisions=[("grace", "approve", "Three quotes attached."),
                      ("carol", "approve", "Standard terms; warranty clause checked.")]),
    Sample("alice", "Printer lease", "sales", "sales", "65000.00", "Paper & Print Co.",
           decisions=[("bob", "approve", "")]),
    Sample("frank", "Office chairs", "purchase", "procurement", "90000.00", "Comfort Seating",
           decisions=[("grace", "reject", "Please attach the three quotes.")]),
    Sample("ivan", "Firmware security audit", "service", "rd", "60000.00", "Secure Labs",
           submit=False),
]  # fmt: skip


def load_sample_contracts(
    session: Session, settings: ApprovalSettings, forms: FormLibrary, env: EngineEnvironment
) -> list[str]:
    """Create the sample contracts unless the database holds any; return their numbers."""
    if session.scalar(select(func.count(Contract.id))):
        return []
    numbers = []
    for sample in SAMPLES:
        contract = service.create_contract(
            session, _payload(sample), _actor(session, sample.drafter)
        )
        numbers.append(contract.number)
        if sample.submit:
            service.submit_contract(
                session, contract.id, _actor(session, sample.drafter), settings, env
            )
        for username, decision, comment in sample.decisions:
            task_id = _waiting_task(session, contract.number)
            data: dict[str, Any] = {"decision": decision}
            if comment:
                data["comment"] = comment
            actions.complete_task(session, task_id, data, _actor(session, username), forms, env)
        session.flush()
    return numbers


def _actor(session: Session, username: str) -> Actor:
    user = find_user(session, username)
    assert user is not None, f"demo user {username} is missing"
    return Actor(user=user)


def _waiting_task(session: Session, number: str) -> int:
    return (
        session.scalars(
            select(HumanTask.id)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .where(
                ProcessInstance.business_key == number, HumanTask.status == HumanTaskStatus.READY
            )
            .order_by(HumanTask.id)
        ).first()
        or 0
    )


def _payload(sample: Sample) -> dict[str, Any]:
    return {
        "title": sample.title,
        "contract_type": sample.contract_type,
        "amount": sample.amount,
        "currency": "CNY",
        "department": sample.department,
        "counterparty": sample.counterparty,
        "effective_date": "2027-01-01",
        "expiry_date": "2027-12-31",
        "auto_renew": False,
        "notice_days": 30,
        "tags": ["sample"],
    }
