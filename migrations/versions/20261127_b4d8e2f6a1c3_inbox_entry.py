"""inbox_entry: the inbox's projection of human tasks (audience, state, contract columns)

Revision ID: b4d8e2f6a1c3
Revises: a9c3e7f1b2d5
Create Date: 2026-11-27 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "b4d8e2f6a1c3"
down_revision = "a9c3e7f1b2d5"
branch_labels = None
depends_on = None

# Backfill: the same rows contracts.inbox_entries writes as tasks appear and change.
STATE = """CASE WHEN t.status = 'ready' AND t.assignee IS NULL THEN 'open'
    WHEN t.status = 'ready' THEN 'held' WHEN t.status = 'completed' THEN 'done'
    ELSE 'gone' END"""
HOLDER = """CASE WHEN t.status = 'completed' THEN 'h:' || t.completed_by
    WHEN t.status = 'ready' THEN 'h:' || t.assignee ELSE NULL END"""
CANDIDATE = """CASE WHEN c.group_name IS NOT NULL THEN 'g:' || c.group_name
    ELSE 'u:' || c.username END"""
SEARCH = """lower(k.number || :sep || k.title || :sep || coalesce(
    (SELECT name FROM counterparty WHERE counterparty.id = k.counterparty_id), ''))"""
COLUMNS = (
    "task_id, kind, audience, state, created_at, due_at, contract_id, amount_cny, "
    "contract_type_id, department_id, search"
)
SOURCE = """FROM human_task t JOIN process_instance p ON p.id = t.instance_id
    LEFT JOIN contract k ON k.number = p.business_key"""


def backfill(kind: str, audience: str, join: str = "") -> sa.TextClause:
    return sa.text(
        f"INSERT INTO inbox_entry ({COLUMNS}) SELECT t.id, '{kind}', {audience}, {STATE}, "
        f"t.created_at, t.due_at, k.id, k.amount_cny, k.contract_type_id, k.department_id, "
        f"{SEARCH} {SOURCE} {join}"
    ).bindparams(sep="\x1f")


def upgrade() -> None:
    op.create_table(
        "inbox_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("audience", sa.String(length=130), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("amount_cny", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("contract_type_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("search", sa.String(length=540), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
            name=op.f("fk_inbox_entry_contract_id_contract"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["human_task.id"],
            name=op.f("fk_inbox_entry_task_id_human_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_entry")),
    )
    op.execute(backfill("c", CANDIDATE, "JOIN human_task_candidate c ON c.task_id = t.id"))
    op.execute(backfill("h", HOLDER))
    op.execute(backfill("s", "'s:' || p.started_by"))
    with op.batch_alter_table("inbox_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbox_entry_due",
            [
                "audience",
                "state",
                "due_at",
                "contract_type_id",
                "department_id",
                "amount_cny",
                "task_id",
                "search",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_inbox_entry_created", ["audience", "state", "created_at", "task_id"], unique=False
        )
        batch_op.create_index(
            "ix_inbox_entry_amount", ["audience", "state", "amount_cny", "task_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inbox_entry_task_id"), ["task_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inbox_entry_contract_id"), ["contract_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("inbox_entry")
