"""contract.amends_id and document.copy_of_version_id: amendments and their origin

An approved contract's text is frozen (issue 14); a change is a new draft contract,
approved again, linked by amends_id to the original; each of its documents starts as a
copy of one of the original's versions (copy_of_version_id), so the two can be compared.
Existing contracts amend nothing and existing documents are copies of nothing.

Revision ID: d7e8f9a0b1c2
Revises: f9a0b1c2d3e4
Create Date: 2026-12-07 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d7e8f9a0b1c2"
down_revision = "f9a0b1c2d3e4"
branch_labels = None
depends_on = None


# (table, column, constraint name, referred table)
_LINKS = (
    ("contract", "amends_id", "fk_contract_amends_id_contract", "contract"),
    (
        "document",
        "copy_of_version_id",
        "fk_document_copy_of_version_id_document_version",
        "document_version",
    ),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    for table, column, constraint, referred in _LINKS:
        if _sqlite():
            # A plain ADD COLUMN, not batch mode's copy of the table: with foreign keys
            # enforced, dropping the old copy would cascade into its documents, tags,
            # bodies and inbox entries.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                f"CONSTRAINT {constraint} REFERENCES {referred} (id)"
            )
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(constraint, table, referred, [column], ["id"])
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade() -> None:
    for table, column, constraint, _referred in reversed(_LINKS):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        if _sqlite():
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # SQLite 3.35+
        else:
            op.drop_constraint(constraint, table, type_="foreignkey")
            op.drop_column(table, column)
