"""Saved routing cases: sample contracts and the approvers they must get."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine import clock
from engine.db import Base


class RoutingCase(Base):
    """One row of the routing test table; checked before a routing DMN is deployed."""

    __tablename__ = "routing_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    inputs: Mapped[dict[str, Any]]
    expected: Mapped[list[str]]
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
