"""Bulk-import batches and their per-row results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.identity.models import User
from engine import clock
from engine.db import Base


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    status: Mapped[str] = mapped_column(String(20), default="previewed")
    has_archive: Mapped[bool] = mapped_column(default=False)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]
    # Written with every imported row: a "running" batch whose heartbeat is old was
    # interrupted (worker killed, server restarted) and may be resumed.
    heartbeat_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship(lazy="joined")
    rows: Mapped[list[ImportRow]] = relationship(
        back_populates="batch",
        cascade="all, delete-orphan",
        order_by="ImportRow.row_number",
        lazy="selectin",
    )

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def to_import(self) -> int:
        return sum(self.count(s) for s in ("ready", "imported", "failed", "skipped"))

    @property
    def percent(self) -> int:
        todo = self.to_import
        return 100 if todo == 0 else min(100, round(100 * self.processed_rows / todo))


class ImportRow(Base):
    """One sheet row: ready, invalid, duplicate (seen before), imported, skipped or failed."""

    __tablename__ = "import_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int]
    idempotency_key: Mapped[str] = mapped_column(String(200), index=True)
    data: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True
    )

    batch: Mapped[ImportBatch] = relationship(back_populates="rows")
