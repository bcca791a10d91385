"""Who may see and change what. Checked here, in the service layer, not in templates."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from contracts.core.freeze import OPEN_STATUSES
from contracts.core.models import Contract
from contracts.errors import PermissionDeniedError
from contracts.identity.models import Role, User
from engine.errors import AuditNote, NotFoundError
from engine.models import HumanTask, HumanTaskCandidate, ProcessInstance

# Roles that see every department's contracts.
ORGANISATION_WIDE = (
    Role.LEGAL,
    Role.FINANCE,
    Role.EXECUTIVE,
    Role.ADMIN,
    Role.PROCESS_ADMIN,
    Role.INTEGRATOR,
)
DEPARTMENT_READERS = (Role.VIEWER, Role.EDITOR, Role.DEPT_MANAGER)
DEPARTMENT_WRITERS = (Role.EDITOR, Role.DEPT_MANAGER)
EDITABLE_STATUSES = OPEN_STATUSES  # one rule: contracts/freeze.py


def visible_contracts(user: User) -> ColumnElement[bool]:
    """Return a WHERE clause selecting the contracts a user may see."""
    if user.has_role(*ORGANISATION_WIDE):
        return true()
    clauses: list[ColumnElement[bool]] = [Contract.owner_id == user.id]
    if user.department_id is not None and user.has_role(*DEPARTMENT_READERS):
        clauses.append(Contract.department_id == user.department_id)
    clauses.append(_is_candidate_on_contract(user))
    return or_(*clauses) if clauses else false()


_NotFound = TypeVar("_NotFound", bound=NotFoundError)


def hidden(error: _NotFound, object_type: str, object_id: object) -> _NotFound:
    """Mark a 404 for an object that exists but is not the actor's to see.

    The client gets the same answer as for a missing id; the web layer records an
    "access.denied" audit entry naming the object.
    """
    error.audit = AuditNote("access.denied", object_type, str(object_id), reason="hidden")
    return error


def can_see(session: Session, user: User, contract: Contract) -> bool:
    """`visible_contracts` for one loaded contract: the common cases need no query."""
    if user.has_role(*ORGANISATION_WIDE) or contract.owner_id == user.id:
        return True
    if (
        user.department_id is not None
        and user.has_role(*DEPARTMENT_READERS)
        and contract.department_id == user.department_id
    ):
        return True
    query = select(_is_candidate_on_contract(user)).where(Contract.id == contract.id)
    return bool(session.scalar(query))


def _is_candidate_on_contract(user: User) -> ColumnElement[bool]:
    groups = user.group_names
    candidate = or_(
        HumanTask.assignee == user.username,
        HumanTask.completed_by == user.username,
        exists(
            select(HumanTaskCandidate.id).where(
                HumanTaskCandidate.task_id == HumanTask.id,
                or_(
                    HumanTaskCandidate.username == user.username,
                    HumanTaskCandidate.group_name.in_(groups),
                ),
            )
        ),
    )
    return exists(
        select(HumanTask.id)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(and_(ProcessInstance.business_key == Contract.number, candidate))
    )


def can_write_department(user: User, department_id: int) -> bool:
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(*DEPARTMENT_WRITERS) and user.department_id == department_id


def require_create(user: User, department_id: int) -> None:
    if not can_write_department(user, department_id):
        raise PermissionDeniedError(
            "you may only draft contracts for your own department",
            details={"department": "not yours"},
        )


def may_edit(user: User, contract: Contract) -> bool:
    """Owner, an editor/manager of its department, or an admin may edit or submit it."""
    return contract.owner_id == user.id or can_write_department(user, contract.department_id)


def edit_refusal(user: User, contract: Contract) -> str | None:
    """Why this user may not edit this contract now: "permission", "status", or None.

    Permission comes first: telling someone who may never edit it that the contract
    is "in draft" would suggest they could once it changes.
    """
    if not may_edit(user, contract):
        return "permission"
    if contract.status not in EDITABLE_STATUSES:
        return "status"
    return None


def may_mark_signed(user: User, contract: Contract) -> bool:
    """The manager of the contract's department, legal or an admin may record its signature.

    The drafter may not: marking one's own contract signed would let the person who
    wrote it also vouch that the other side signed it.
    """
    if user.has_role(Role.ADMIN, Role.LEGAL):
        return True
    return user.has_role(Role.DEPT_MANAGER) and user.department_id == contract.department_id


def require_mark_signed(user: User, contract: Contract) -> None:
    if not may_mark_signed(user, contract):
        raise PermissionDeniedError(
            f"only the manager of the contract's department, legal or an admin may mark "
            f"contract {contract.number} signed",
            details={"required": ["dept_manager of its department", "legal", "admin"]},
        )


def require_edit(user: User, contract: Contract) -> None:
    if not may_edit(user, contract):
        raise PermissionDeniedError(f"you may not change contract {contract.number}")
