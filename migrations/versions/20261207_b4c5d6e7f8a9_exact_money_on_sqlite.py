"""money and exchange rates stored exactly on SQLite: integer minor units, not floats

`engine.db.ExactDecimal` keeps NUMERIC on PostgreSQL, where nothing changes. On SQLite the
driver used to bind a float, so amounts beyond 15 significant digits lost their cents; the
columns now hold the value scaled by 10**scale as an integer. This converts the rows that
are there (floats, or integers where SQLite had stored a whole amount as one). The DDL
stays NUMERIC(p, s).

Revision ID: b4c5d6e7f8a9
Revises: c5d6e7f8a9b0
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = "b4c5d6e7f8a9"
down_revision = "c5d6e7f8a9b0"
branch_labels = None
depends_on = None

# (table, column, scale)
_COLUMNS = (
    ("contract", "amount", 2),
    ("contract", "amount_cny", 2),
    ("inbox_entry", "amount_cny", 2),
    ("exchange_rate", "rate_to_cny", 6),
)


def _to_minor_units(value: int | float | str, scale: int) -> int:
    # repr of a float is the shortest text that reads back as it: the value a user saw.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    return int(number.scaleb(scale).to_integral_value(rounding=ROUND_HALF_UP))


def _from_minor_units(value: int | float | str, scale: int) -> float:
    return float(Decimal(str(value)).scaleb(-scale))


def _convert(convert: Callable[[int | float | str, int], int | float]) -> None:
    connection = op.get_bind()
    for table, column, scale in _COLUMNS:
        rows = connection.execute(
            sa.text(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
        ).all()
        if not rows:
            continue
        connection.execute(
            sa.text(f"UPDATE {table} SET {column} = :value WHERE rowid = :row"),  # noqa: S608
            [{"row": row, "value": convert(value, scale)} for row, value in rows],
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _convert(_to_minor_units)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _convert(_from_minor_units)
