"""Engine tables: definitions, instances, the human-task projection, history, outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine import clock
from engine.db import Base


class InstanceStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    ERROR = "error"


class HumanTaskStatus(StrEnum):
    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    DEAD = "dead"


class ProcessDefinition(Base):
    """One deployed version of a BPMN process, with the files it was parsed from."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    # The BPMN/DMN sources: read only to parse a version the spec cache lacks (or to show
    # them), not with every instance that joins its definition.
    files: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(default=clock.now)
    deployed_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")


class ProcessInstance(Base):
    """A running (or finished) workflow; `state` holds SpiffWorkflow's serialization."""

    __tablename__ = "process_instance"
    __table_args__ = (Index("ix_process_instance_next_timer_at", "next_timer_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[InstanceStatus] = mapped_column(String(20), default=InstanceStatus.RUNNING)
    state: Mapped[str] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    next_timer_at: Mapped[datetime | None]
    started_by: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    completed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(Base):
    """A ready (or finished) user task, mirrored out of the workflow for the inbox."""

    __tablename__ = "human_task"
    # Lists and counts of tasks are the application's own projection (fed through
    # human_task_write_listeners); here only an instance's own tasks are looked up.
    # Every further index costs each step a B-tree write per task created or completed.
    __table_args__ = (Index("ix_human_task_instance_status", "instance_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[HumanTaskStatus] = mapped_column(String(20), default=HumanTaskStatus.READY)
    assignee: Mapped[str | None] = mapped_column(String(80))
    form_schema: Mapped[str | None] = mapped_column(String(200))
    form_ui_schema: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(80))

    instance: Mapped[ProcessInstance] = relationship()
    candidates: Mapped[list[HumanTaskCandidate]] = relationship(
        back_populates="task", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def candidate_groups(self) -> list[str]:
        return sorted(c.group_name for c in self.candidates if c.group_name)

    @property
    def candidate_users(self) -> list[str]:
        return sorted(c.username for c in self.candidates if c.username)


class HumanTaskCandidate(Base):
    """One group or one user who may claim and complete a human task."""

    __tablename__ = "human_task_candidate"
    __table_args__ = (
        # "May I claim this ready task?" is one probe from the task's side. (Which tasks a
        # group or user may take is the application's projection, not a candidate search.)
        Index("ix_human_task_candidate_task", "task_id", "group_name", "username"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    group_name: Mapped[str | None] = mapped_column(String(120))
    username: Mapped[str | None] = mapped_column(String(80))

    task: Mapped[HumanTask] = relationship(back_populates="candidates")


class InstanceEvent(Base):
    """One line of an instance's history: who did what, when, with which decision."""

    __tablename__ = "instance_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    bpmn_id: Mapped[str | None] = mapped_column(String(120))
    task_name: Mapped[str | None] = mapped_column(String(200))
    human_task_id: Mapped[int | None]
    decision: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None]


class OutboxMessage(Base):
    """A side effect for another system, written in the step's transaction."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    channel: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    delivered_at: Mapped[datetime | None]
