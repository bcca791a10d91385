"""Documents of a contract, their versions, and the contract's structured draft body."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.identity.models import User
from engine import clock
from engine.db import Base


class VersionSource(StrEnum):
    UPLOAD = "upload"
    RESTORE = "restore"
    RENDITION = "rendition"
    COPY = "copy"  # an amendment's copy of the approved contract's document


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), default="contract")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    latest_number: Mapped[int] = mapped_column(default=0)
    # In an amendment: the approved contract's version this document started from.
    copy_of_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_version.id", use_alter=True), index=True
    )

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        order_by="DocumentVersion.number",
        lazy="selectin",
        foreign_keys="DocumentVersion.document_id",
    )

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None


class DocumentVersion(Base):
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    note: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    mime_type: Mapped[str] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    wrapped_key: Mapped[str] = mapped_column(String(200))
    # In clear, by decision (compare and search read it); the file itself is encrypted.
    # docs/configuration.md, "What is encrypted and what is not".
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    page_count: Mapped[int | None]
    source: Mapped[VersionSource] = mapped_column(String(20), default=VersionSource.UPLOAD)
    restored_from: Mapped[int | None]

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    created_by: Mapped[User] = relationship(lazy="joined")


class DraftBody(Base):
    """The structured text of a contract's draft; `version` grows with every save."""

    __tablename__ = "draft_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    updated_by: Mapped[User] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class DraftBodyRevision(Base):
    """Every saved text of a body, kept as the base of later three-way merges."""

    __tablename__ = "draft_body_revision"
    __table_args__ = (UniqueConstraint("contract_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
