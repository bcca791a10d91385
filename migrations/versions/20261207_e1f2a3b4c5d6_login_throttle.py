"""login_throttle: sign-in attempts per account name and per client address (issue 12)

The in-process throttle counted per worker and checked before, but recorded
after, the password hash; the count now lives here, taken before the hash.
No rows to convert: the old counts lived in memory only.

Revision ID: e1f2a3b4c5d6
Revises: a3b4c5d6e7f8
Create Date: 2026-12-07 16:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "e1f2a3b4c5d6"
down_revision = "a3b4c5d6e7f8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_start", engine.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_login_throttle")),
    )
    op.create_index(
        op.f("ix_login_throttle_window_start"), "login_throttle", ["window_start"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_login_throttle_window_start"), table_name="login_throttle")
    op.drop_table("login_throttle")
