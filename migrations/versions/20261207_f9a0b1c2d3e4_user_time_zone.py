"""user_account.time_zone: each person reads times in their own zone

Revision ID: f9a0b1c2d3e4
Revises: b4e8a1c6f2d9
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f9a0b1c2d3e4"
down_revision = "b4e8a1c6f2d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing users keep NULL: they read times in the installation's zone, as before.
    # A plain ALTER, no batch copy (user_account is referenced by many foreign keys).
    op.add_column("user_account", sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("user_account", "time_zone")
