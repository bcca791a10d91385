"""drop human_task and candidate indexes no query uses since inbox_entry (each step paid)

Revision ID: d9e3b7a5c2f1
Revises: c8f2a6d4e1b9
Create Date: 2026-11-28 05:30:00
"""

from __future__ import annotations

from alembic import op

revision = "d9e3b7a5c2f1"
down_revision = "c8f2a6d4e1b9"
branch_labels = None
depends_on = None

_DROPPED = (
    ("human_task", "ix_human_task_completed_by", ["completed_by"]),
    ("human_task", "ix_human_task_created_at", ["created_at"]),
    ("human_task", "ix_human_task_due_at", ["due_at"]),
    ("human_task", "ix_human_task_status_assignee", ["status", "assignee"]),
    ("human_task_candidate", "ix_human_task_candidate_group", ["group_name", "task_id"]),
    ("human_task_candidate", "ix_human_task_candidate_user", ["username", "task_id"]),
)


def upgrade() -> None:
    for table, name, _columns in _DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, columns in _DROPPED:
        op.create_index(name, table, columns)
