"""Templates and their versions, and what a contract was drafted from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.core.models import ContractType
from engine import clock
from engine.db import Base

LANGUAGES = ("zh", "en")


class Template(Base):
    __tablename__ = "contract_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contract_type_id: Mapped[int] = mapped_column(ForeignKey("contract_type.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)

    contract_type: Mapped[ContractType] = relationship(lazy="joined")
    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by="TemplateVersion.number.desc()",
        lazy="selectin",
    )

    @property
    def current(self) -> TemplateVersion:
        return next(v for v in self.versions if v.number == self.current_version)


class TemplateVersion(Base):
    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("contract_template.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    fields_schema: Mapped[dict[str, Any]]
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    template: Mapped[Template] = relationship(back_populates="versions")


class TemplateDraft(Base):
    """The text a template rendered for a contract (its body until documents store it)."""

    __tablename__ = "template_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), unique=True
    )
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"), index=True)
    fields: Mapped[dict[str, Any]]
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    template_version: Mapped[TemplateVersion] = relationship(lazy="joined")
