"""the built-in mail and SMS sink: messages kept when no server is configured

Revision ID: c5d6e7f8a9b0
Revises: e1f2a3b4c5d6
Create Date: 2026-12-07 17:00:00
"""

from alembic import op
import sqlalchemy as sa
import engine.db


revision = "c5d6e7f8a9b0"
down_revision = "e1f2a3b4c5d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sink_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"], ["outbox_message.id"],
            name=op.f("fk_sink_message_outbox_message_id_outbox_message"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sink_message")),
        sa.UniqueConstraint("outbox_message_id", name=op.f("uq_sink_message_outbox_message_id")),
    )
    with op.batch_alter_table("sink_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sink_message_channel_created", ["channel", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sink_message", schema=None) as batch_op:
        batch_op.drop_index("ix_sink_message_channel_created")
    op.drop_table("sink_message")
