"""user_account.session_generation: logout and a password change end sessions on the server

Revision ID: b4e8a1c6f2d9
Revises: f2a3b4c5d6e7
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b4e8a1c6f2d9"
down_revision = "f2a3b4c5d6e7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows start at 0; sessions issued before carry no generation and are
    # signed out once (they cannot be told apart from a replayed cookie).
    # Plain ALTERs, no batch copy: user_account is referenced by many foreign keys,
    # and SQLite (3.35+) adds and drops a column in place.
    op.add_column(
        "user_account",
        sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("user_account", "session_generation")
