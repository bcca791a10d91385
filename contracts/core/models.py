"""Contracts and what they refer to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.identity.models import Department, User
from engine import clock
from engine.db import Base, ExactDecimal

MONEY = ExactDecimal(18, 2)


class ContractStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    OUT_FOR_SIGNATURE = "out_for_signature"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    RENEWED = "renewed"
    TERMINATED = "terminated"
    CANCELLED = "cancelled"


class ContractType(Base):
    __tablename__ = "contract_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    custom_fields_schema: Mapped[dict[str, Any] | None]


class Counterparty(Base):
    __tablename__ = "counterparty"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class ExchangeRate(Base):
    """How many CNY one unit of a currency is worth (for routing and reports)."""

    __tablename__ = "exchange_rate"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate_to_cny: Mapped[Decimal] = mapped_column(ExactDecimal(18, 6))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class ContractNumberCounter(Base):
    """The last contract number handed out in a year."""

    __tablename__ = "contract_number_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Contract(Base):
    __tablename__ = "contract"
    __table_args__ = (
        Index("ix_contract_status_department", "status", "department_id"),
        Index("ix_contract_expiry_date", "expiry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # The number (or id) the contract had in another system, e.g. an imported sheet's;
    # `number` is always the system's own (contracts.numbering).
    external_ref: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(300))
    contract_type_id: Mapped[int] = mapped_column(ForeignKey("contract_type.id"), index=True)
    status: Mapped[ContractStatus] = mapped_column(String(20), default=ContractStatus.DRAFT)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    amount_cny: Mapped[Decimal] = mapped_column(MONEY, index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("counterparty.id"), index=True)
    effective_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    auto_renew: Mapped[bool] = mapped_column(default=False)
    notice_days: Mapped[int] = mapped_column(default=30)
    renewal_term: Mapped[str] = mapped_column(String(20), default="P1Y")
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    # An amendment: a new draft of an approved contract, approved again (contracts/amendments.py).
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    process_instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instance.id"), index=True
    )
    template_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("template_version.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    edit_version: Mapped[int] = mapped_column(default=1)

    contract_type: Mapped[ContractType] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    counterparty: Mapped[Counterparty | None] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(lazy="joined")
    tag_rows: Mapped[list[ContractTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ContractTag.tag"
    )

    __mapper_args__ = {"version_id_col": edit_version}

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class ContractTag(Base):
    __tablename__ = "contract_tag"
    __table_args__ = (
        UniqueConstraint("contract_id", "tag"),
        Index("ix_contract_tag_tag", "tag", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(60))
