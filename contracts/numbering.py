"""Hand out contract numbers HT-<year>-<six digits>, unique under concurrency."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.models import ContractNumberCounter
from engine import clock


def next_contract_number(session: Session) -> str:
    """Return the next number of the current year (an atomic UPDATE … RETURNING)."""
    year = clock.now().year
    for _ in range(2):
        last = session.execute(
            update(ContractNumberCounter)
            .where(ContractNumberCounter.year == year)
            .values(last=ContractNumberCounter.last + 1)
            .returning(ContractNumberCounter.last)
        ).scalar()
        if last is not None:
            return f"HT-{year}-{last:06d}"
        try:
            with session.begin_nested():
                session.execute(insert(ContractNumberCounter).values(year=year, last=0))
        except IntegrityError:
            continue  # another transaction created the year's row first
    raise RuntimeError("could not allocate a contract number")
