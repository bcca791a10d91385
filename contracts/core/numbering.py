"""Hand out contract numbers HT-<year>-<six digits>, unique under concurrency."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.core.models import Contract, ContractNumberCounter
from engine import clock
from engine.db import table_of

# Numbers only the system hands out; a run of taken ones can only come from legacy data.
MAX_SKIPPED = 10_000


def next_contract_number(session: Session) -> str:
    """Return the next free number of the current year (an atomic UPDATE … RETURNING).

    A number already taken (a row written past the counter: legacy data, a restore)
    is skipped, so one stray row never stops every later create with a unique error.
    The UPDATE also looks up the number this process expects it to hand out (the
    year's last number it saw, plus one), so usually one statement both allocates the
    number and tells whether it is free; when another process allocated meanwhile,
    a SELECT checks the number it got instead.
    """
    if session.autoflush:
        session.flush()  # what the ORM's autoflush did: pending contracts count as taken
    connection = session.connection()
    year = clock.now().year
    for _ in range(MAX_SKIPPED):
        last, taken = _bump(session, connection, year)
        number = _format(year, last)
        if taken is None:
            taken = connection.execute(_NUMBER_TAKEN, {"number": number}).first() is not None
        if not taken:
            return number
    raise RuntimeError(f"could not allocate a contract number: {MAX_SKIPPED} taken in a row")


def _format(year: int, last: int) -> str:
    return f"HT-{year}-{last:06d}"


def _bump(session: Session, connection: Connection, year: int) -> tuple[int, bool | None]:
    """Move the year's counter on; return the new value and whether its number is taken.

    "Taken" is None when the statement could not tell (the number was not the expected one).
    """
    key = (connection.engine.url, year)
    expected = _last_seen.get(key)
    guess = None if expected is None else _format(year, expected + 1)
    for _ in range(2):
        row = connection.execute(_BUMP, {"for_year": year, "guess": guess}).first()
        if row is not None:
            last = int(row.last)
            _last_seen[key] = last
            if guess is None or last != expected + 1:  # type: ignore[operator]
                return last, None
            return last, row.guess_id is not None
        try:
            with session.begin_nested():
                session.execute(insert(ContractNumberCounter).values(year=year, last=0))
        except IntegrityError:
            continue  # another transaction created the year's row first
        connection = session.connection()
    raise RuntimeError("could not allocate a contract number")


# The newest counter value this process handed out, per database and year (a hint:
# the UPDATE's answer says whether it was right).
_last_seen: dict[tuple[object, int], int] = {}

_COUNTERS = table_of(ContractNumberCounter)
_CONTRACTS = table_of(Contract)
_NUMBER_TAKEN = select(_CONTRACTS.c.id).where(_CONTRACTS.c.number == bindparam("number"))
_BUMP = (
    _COUNTERS.update()
    .where(_COUNTERS.c.year == bindparam("for_year"))
    .values(last=_COUNTERS.c.last + 1)
    .returning(
        _COUNTERS.c.last,
        select(_CONTRACTS.c.id)
        .where(_CONTRACTS.c.number == bindparam("guess"))
        .limit(1)
        .scalar_subquery()
        .label("guess_id"),
    )
)
