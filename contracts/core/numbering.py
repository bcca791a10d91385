"""Hand out contract numbers HT-<year>-<six digits>, unique under concurrency."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.core.models import Contract, ContractNumberCounter
from engine import clock

# Numbers only the system hands out; a run of taken ones can only come from legacy data.
MAX_SKIPPED = 10_000


def next_contract_number(session: Session) -> str:
    """Return the next free number of the current year (an atomic UPDATE … RETURNING).

    A number already taken (a row written past the counter: legacy data, a restore)
    is skipped, so one stray row never stops every later create with a unique error.
    """
    year = clock.now().year
    for _ in range(MAX_SKIPPED):
        number = f"HT-{year}-{_bump(session, year):06d}"
        if session.scalar(select(Contract.id).where(Contract.number == number)) is None:
            return number
    raise RuntimeError(f"could not allocate a contract number: {MAX_SKIPPED} taken in a row")


def _bump(session: Session, year: int) -> int:
    for _ in range(2):
        last = session.execute(
            update(ContractNumberCounter)
            .where(ContractNumberCounter.year == year)
            .values(last=ContractNumberCounter.last + 1)
            .returning(ContractNumberCounter.last)
        ).scalar()
        if last is not None:
            return int(last)
        try:
            with session.begin_nested():
                session.execute(insert(ContractNumberCounter).values(year=year, last=0))
        except IntegrityError:
            continue  # another transaction created the year's row first
    raise RuntimeError("could not allocate a contract number")
