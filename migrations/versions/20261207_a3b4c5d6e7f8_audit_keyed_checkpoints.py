"""audit log keyed (HMAC) and anchored by signed checkpoints

Existing entries keep their plain SHA-256 hashes (key_id NULL). The migration
can't read the audit key, so `contractflow init-db` seals them right after
upgrading (a checkpoint of kind "seal"); `contractflow audit seal` does the same
for an upgrade run with plain `alembic upgrade`.

Revision ID: a3b4c5d6e7f8
Revises: d9e3b7a5c2f1
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "a3b4c5d6e7f8"
down_revision = "d9e3b7a5c2f1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("last_entry_id", sa.Integer(), nullable=True),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )


def downgrade() -> None:
    # Keyed entries can't be turned back into plain SHA-256 ones: the old verifier
    # will report them as broken. Downgrade only a copy you mean to discard.
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("signature")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("key_id")
