"""contract.amends_id and document.copy_of_version_id: amendments and their origin

An approved contract's text is frozen (issue 14); a change is a new draft contract,
approved again, linked by amends_id to the original; each of its documents starts as a
copy of one of the original's versions (copy_of_version_id), so the two can be compared.
Existing contracts amend nothing and existing documents are copies of nothing.

Revision ID: d7e8f9a0b1c2
Revises: b4e8a1c6f2d9
Create Date: 2026-12-07 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d7e8f9a0b1c2"
down_revision = "b4e8a1c6f2d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract") as batch_op:
        batch_op.add_column(sa.Column("amends_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_contract_amends_id"), ["amends_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_contract_amends_id_contract"), "contract", ["amends_id"], ["id"]
        )
    with op.batch_alter_table("document") as batch_op:
        batch_op.add_column(sa.Column("copy_of_version_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_document_copy_of_version_id"), ["copy_of_version_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_document_copy_of_version_id_document_version"),
            "document_version",
            ["copy_of_version_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_document_copy_of_version_id_document_version"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_document_copy_of_version_id"))
        batch_op.drop_column("copy_of_version_id")
    with op.batch_alter_table("contract") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contract_amends_id_contract"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_contract_amends_id"))
        batch_op.drop_column("amends_id")
