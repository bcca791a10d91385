"""Contract numbers: one statement when this process's guess is right, correct when it is not."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from contracts.core.models import Contract, ContractNumberCounter
from contracts.core.numbering import next_contract_number
from engine import clock


def _number(n: int) -> str:
    return f"HT-{clock.now().year}-{n:06d}"


def _last(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


@pytest.fixture
def session(app: Any, api: Any) -> Any:
    """The app's session, with one contract (created through the API) to copy rows from."""
    from webui.extensions import db

    api("alice").create_contract(title="Model")
    with app.app_context():
        yield db.session


def _stray_copy(session: Session, number: str) -> None:
    """A row written past the counter (legacy data), copied from an existing contract."""
    model = session.scalars(select(Contract).limit(1)).one()
    columns = {c.name: getattr(model, c.key) for c in Contract.__table__.columns}
    columns.update(id=None, number=number, edit_version=1)
    session.execute(Contract.__table__.insert().values(**columns))


def _statements(session: Session) -> list[str]:
    seen: list[str] = []

    @event.listens_for(session.get_bind(), "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    return seen


def test_a_guessed_number_costs_one_statement(session: Session) -> None:
    next_contract_number(session)  # this process now knows the year's last number
    seen = _statements(session)
    next_contract_number(session)
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("UPDATE")


def test_a_taken_number_is_skipped_when_another_process_moved_the_counter(
    session: Session,
) -> None:
    last = _last(next_contract_number(session))
    # Another process handed out five numbers meanwhile; the sixth is a stray row.
    session.execute(
        update(ContractNumberCounter)
        .where(ContractNumberCounter.year == clock.now().year)
        .values(last=last + 5)
    )
    _stray_copy(session, _number(last + 6))
    assert next_contract_number(session) == _number(last + 7)
    assert next_contract_number(session) == _number(last + 8)


def test_a_taken_number_is_skipped_when_the_guess_was_right(session: Session) -> None:
    last = _last(next_contract_number(session))
    _stray_copy(session, _number(last + 1))
    _stray_copy(session, _number(last + 2))
    assert next_contract_number(session) == _number(last + 3)


def test_a_pending_contract_holds_its_number(session: Session) -> None:
    last = _last(next_contract_number(session))
    model = session.scalars(select(Contract).limit(1)).one()
    pending = Contract(
        **{
            c.key: getattr(model, c.key)
            for c in Contract.__mapper__.column_attrs
            if c.key not in {"id", "number", "edit_version"}
        },
        number=_number(last + 1),
    )
    session.add(pending)  # not flushed yet: the allocation's autoflush writes it first
    assert next_contract_number(session) == _number(last + 2)
