"""contract lifecycle: renewal term and renewal link, user phone and calendar key

Revision ID: c4f1a9e2d7b3
Revises: b7e2c41d9a10
Create Date: 2026-11-27 21:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "c4f1a9e2d7b3"
down_revision = "b7e2c41d9a10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("calendar_key", sa.String(length=64), nullable=True))

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("renewal_term", sa.String(length=20), nullable=False, server_default="P1Y")
        )
        batch_op.add_column(sa.Column("renewal_of_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contract_renewal_of_id"), ["renewal_of_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contract_renewal_of_id_contract"), "contract", ["renewal_of_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contract_renewal_of_id_contract"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_contract_renewal_of_id"))
        batch_op.drop_column("renewal_of_id")
        batch_op.drop_column("renewal_term")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("calendar_key")
        batch_op.drop_column("phone")
