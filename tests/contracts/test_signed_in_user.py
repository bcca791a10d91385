"""The user loader: one SELECT of the user alone, active users only, the loaded object reused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from contracts.identity.accounts import signed_in_user
from contracts.identity.models import User


def _statements(session: Session) -> list[str]:
    seen: list[str] = []

    @event.listens_for(session.get_bind(), "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    return seen


def _id(session: Session, username: str) -> int:
    user_id = session.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    session.remove()  # type: ignore[attr-defined]  # a request's fresh session
    return user_id


def test_a_fresh_session_loads_the_user_with_one_select_and_no_department(
    session: Session,
) -> None:
    alice = _id(session, "alice")
    seen = _statements(session)
    user = signed_in_user(session, alice)
    assert user is not None and user.username == "alice"
    assert len(seen) == 1 and "department" not in seen[0].split("FROM", 1)[1]
    assert user.department is not None and user.department.code == "sales"  # lazy, on demand
    assert signed_in_user(session, alice) is user
    assert len(seen) == 2  # the department's own load; the user came from the session


def test_inactive_and_unknown_users_are_not_signed_in(session: Session) -> None:
    bob = _id(session, "bob")
    session.get_one(User, bob).active = False
    session.commit()
    session.remove()  # type: ignore[attr-defined]
    assert signed_in_user(session, bob) is None
    assert signed_in_user(session, 10_000_000) is None


def test_the_loader_autoflushes_a_pending_change_as_session_get_does(session: Session) -> None:
    alice = _id(session, "alice")
    session.add(User(username="zed", display_name="Zed", password_hash="x", roles=[]))
    seen = _statements(session)
    user = signed_in_user(session, alice)
    assert user is not None
    assert [s.split()[0].upper() for s in seen] == ["INSERT", "SELECT"]
    session.rollback()
