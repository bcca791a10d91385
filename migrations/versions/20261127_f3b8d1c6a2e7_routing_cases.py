"""routing cases: the routing simulator's saved test table

Revision ID: f3b8d1c6a2e7
Revises: e5a2c9f0b1d4
Create Date: 2026-11-27 21:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = "f3b8d1c6a2e7"
down_revision = "e5a2c9f0b1d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_case")),
    )


def downgrade() -> None:
    op.drop_table("routing_case")
