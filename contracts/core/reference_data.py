"""Data every installation starts with: contract types, role groups, exchange rates."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.core.models import ContractType, ExchangeRate
from contracts.core.money import DEFAULT_RATES
from contracts.identity.models import Department, Group

CONTRACT_TYPES = {"purchase": "Purchase", "sales": "Sales", "service": "Service", "nda": "NDA"}
ROLE_GROUPS = {
    "legal": "Legal review",
    "finance": "Finance review",
    "executive": "Executive approval",
    "process_admin": "Process administrators",
}


def ensure_reference_data(session: Session) -> None:
    """Insert what is missing; never overwrite what an admin changed."""
    for code, name in CONTRACT_TYPES.items():
        if session.scalars(select(ContractType).where(ContractType.code == code)).first() is None:
            session.add(ContractType(code=code, name=name))
    for currency, rate in DEFAULT_RATES.items():
        if session.get(ExchangeRate, currency) is None:
            session.add(ExchangeRate(currency=currency, rate_to_cny=rate))
    for name, description in ROLE_GROUPS.items():
        ensure_group(session, name, description)
    session.flush()


def ensure_group(session: Session, name: str, description: str = "") -> Group:
    group = session.scalars(select(Group).where(Group.name == name)).first()
    if group is None:
        group = Group(name=name, description=description)
        session.add(group)
        session.flush()
    return group


def ensure_department(session: Session, code: str, name: str) -> Department:
    """Create a department and its manager group (`dept_manager:<code>`)."""
    department = session.scalars(select(Department).where(Department.code == code)).first()
    if department is None:
        department = Department(code=code, name=name)
        session.add(department)
        session.flush()
    ensure_group(session, department.manager_group, f"Managers of {name}")
    return department


def contract_type_choices(session: Session) -> list[tuple[str, str]]:
    """Return (code, name) of every contract type, for forms."""
    return [
        (t.code, t.name) for t in session.scalars(select(ContractType).order_by(ContractType.code))
    ]


def currency_codes(session: Session) -> list[str]:
    """Return the currencies that have an exchange rate."""
    return list(session.scalars(select(ExchangeRate.currency).order_by(ExchangeRate.currency)))


def department_choices(session: Session) -> list[tuple[str, str]]:
    """Return (code, name) of every department, for forms."""
    return [(d.code, d.name) for d in session.scalars(select(Department).order_by(Department.name))]
