"""The demo data of API.md: departments and users, all with password demo1234."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.core.reference_data import ensure_department, ensure_group, ensure_reference_data
from contracts.identity.accounts import hash_password
from contracts.identity.models import Membership, Role, User

DEMO_PASSWORD = "demo1234"  # noqa: S105 - demo mode only, printed at start

DEPARTMENTS = {
    "sales": "Sales",
    "procurement": "Procurement",
    "rd": "R&D",
    "legal": "Legal",
    "finance": "Finance",
    "exec": "Executive office",
}

# username: (display name, roles, department)
USERS: dict[str, tuple[str, list[str], str | None]] = {
    "alice": ("Alice Chen", [Role.EDITOR], "sales"),
    "bob": ("Bob Wang", [Role.DEPT_MANAGER], "sales"),
    "frank": ("Frank Li", [Role.EDITOR], "procurement"),
    "grace": ("Grace Zhao", [Role.DEPT_MANAGER], "procurement"),
    "ivan": ("Ivan Liu", [Role.EDITOR], "rd"),
    "judy": ("Judy Sun", [Role.DEPT_MANAGER], "rd"),
    "carol": ("Carol Zhou", [Role.LEGAL], "legal"),
    "dave": ("Dave Wu", [Role.FINANCE], "finance"),
    "erin": ("Erin Xu", [Role.EXECUTIVE], "exec"),
    "admin": ("Administrator", [Role.ADMIN, Role.PROCESS_ADMIN], None),
    "integrator": ("Integration account", [Role.INTEGRATOR], None),
}


def demo_phone(number: int) -> str:
    """Return the demo phone number of the n-th demo user (E.164, a reserved test range)."""
    return f"+8613800{number:06d}"


def groups_for(roles: list[str], department_code: str | None) -> list[str]:
    """Return the candidate groups a user with these roles belongs to."""
    groups = []
    for role in roles:
        if role == Role.DEPT_MANAGER and department_code:
            groups.append(f"dept_manager:{department_code}")
        elif role in (Role.LEGAL, Role.FINANCE, Role.EXECUTIVE, Role.PROCESS_ADMIN):
            groups.append(str(role))
    return groups


def load_demo_data(session: Session) -> list[str]:
    """Create the demo departments and users that are missing; return the usernames created."""
    ensure_reference_data(session)
    departments = {
        code: ensure_department(session, code, name) for code, name in DEPARTMENTS.items()
    }
    created = []
    password_hash = hash_password(DEMO_PASSWORD)
    for number, (username, (display, roles, dept)) in enumerate(USERS.items(), start=1):
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            continue
        user = User(
            username=username,
            display_name=display,
            email=f"{username}@demo.contractflow.local",
            phone=demo_phone(number),
            password_hash=password_hash,
            roles=[str(r) for r in roles],
            department=departments[dept] if dept else None,
        )
        user.memberships = [
            Membership(group=ensure_group(session, g)) for g in groups_for(user.roles, dept)
        ]
        session.add(user)
        created.append(username)
    session.flush()
    return created
