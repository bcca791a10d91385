"""drop the indexes the inbox read before inbox_entry (no query uses them; every step paid)

Revision ID: c8f2a6d4e1b9
Revises: b4d8e2f6a1c3
Create Date: 2026-11-28 00:10:00
"""

from __future__ import annotations

from alembic import op

revision = "c8f2a6d4e1b9"
down_revision = "b4d8e2f6a1c3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_process_instance_started_by", table_name="process_instance")
    op.drop_index("ix_human_task_status_assignee_created", table_name="human_task")
    op.drop_index("ix_human_task_status_assignee_due", table_name="human_task")


def downgrade() -> None:
    op.create_index(
        "ix_human_task_status_assignee_due", "human_task", ["status", "assignee", "due_at"]
    )
    op.create_index(
        "ix_human_task_status_assignee_created",
        "human_task",
        ["status", "assignee", "created_at"],
    )
    op.create_index("ix_process_instance_started_by", "process_instance", ["started_by"])
