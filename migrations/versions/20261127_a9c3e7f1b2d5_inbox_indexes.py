"""inbox indexes: ready tasks in due/creation order, candidate probe by task, started by

Revision ID: a9c3e7f1b2d5
Revises: f3b8d1c6a2e7
Create Date: 2026-11-27 21:55:00
"""

from __future__ import annotations

from alembic import op

revision = "a9c3e7f1b2d5"
down_revision = "f3b8d1c6a2e7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_human_task_status_assignee_due", "human_task", ["status", "assignee", "due_at"]
    )
    op.create_index(
        "ix_human_task_status_assignee_created",
        "human_task",
        ["status", "assignee", "created_at"],
    )
    op.create_index(
        "ix_human_task_candidate_task",
        "human_task_candidate",
        ["task_id", "group_name", "username"],
    )
    op.create_index("ix_process_instance_started_by", "process_instance", ["started_by"])


def downgrade() -> None:
    op.drop_index("ix_process_instance_started_by", table_name="process_instance")
    op.drop_index("ix_human_task_candidate_task", table_name="human_task_candidate")
    op.drop_index("ix_human_task_status_assignee_created", table_name="human_task")
    op.drop_index("ix_human_task_status_assignee_due", table_name="human_task")
