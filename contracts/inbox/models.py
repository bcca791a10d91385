"""The inbox's own projection: who sees which human task, with what the tabs filter on."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, ExactDecimal


class InboxEntry(Base):
    """One way a person reaches a human task, kept by `contracts.inbox.projection`.

    Each task has one row per candidate (`kind` "c", `audience` "g:<group>" or
    "u:<user>"), one for whoever holds or completed it ("h", "h:<user>", NULL when
    nobody does) and one for who started its process ("s", "s:<user>"). Every row
    repeats the task's `state` (open = ready and unclaimed, held, done, gone) and the
    contract columns the inbox filters, sorts and searches on, so a tab is a range of one index
    (`audience`, `state`, sort column) and its count never leaves the index.
    """

    __tablename__ = "inbox_entry"
    __table_args__ = (
        # Covers the counts and every filter, the search too: an index-only range scan.
        Index(
            "ix_inbox_entry_due",
            "audience",
            "state",
            "due_at",
            "contract_type_id",
            "department_id",
            "amount_cny",
            "task_id",
            "search",
        ),
        Index("ix_inbox_entry_created", "audience", "state", "created_at", "task_id"),
        Index("ix_inbox_entry_amount", "audience", "state", "amount_cny", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("human_task.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(1))
    audience: Mapped[str | None] = mapped_column(String(130))
    state: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True
    )
    amount_cny: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 2))
    contract_type_id: Mapped[int | None]
    department_id: Mapped[int | None]
    # lower(number, title, counterparty), what the inbox's search looks in.
    search: Mapped[str | None] = mapped_column(String(540))
