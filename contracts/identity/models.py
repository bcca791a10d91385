"""People, departments, groups and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from engine import clock
from engine.db import Base, table_of


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    DEPT_MANAGER = "dept_manager"
    LEGAL = "legal"
    FINANCE = "finance"
    EXECUTIVE = "executive"
    PROCESS_ADMIN = "process_admin"
    INTEGRATOR = "integrator"
    ADMIN = "admin"


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    @property
    def manager_group(self) -> str:
        return f"dept_manager:{self.code}"


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    # Rotating it revokes the user's calendar feed URL (the token is an HMAC of it).
    calendar_key: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(default=list)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    locale: Mapped[str | None] = mapped_column(String(10))
    # IANA name ("America/New_York"); None reads times in the installation's zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # Stored in each login session and compared on every request: raising it (logout,
    # sign out everywhere, a password change) ends every session issued before.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    department: Mapped[Department | None] = relationship(lazy="joined")
    # Loaded when asked for (the acting user's groups), not with every contract owner.
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def group_names(self) -> list[str]:
        session = object_session(self)
        if (
            "memberships" in self.__dict__
            or session is None
            or self.id is None
            or any(isinstance(o, Membership) for o in (*session.new, *session.deleted))  # unflushed
        ):
            return sorted(m.group.name for m in self.memberships)
        # Every request asks for the signed-in user's groups: one narrow Core query
        # instead of loading Membership and Group objects it would only read a name of.
        return sorted(session.connection().execute(_GROUP_NAMES, {"user_id": self.id}).scalars())

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class Group(Base):
    """A candidate group for human tasks (`legal`, `dept_manager:sales`, …)."""

    __tablename__ = "user_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("user_group.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="memberships")
    group: Mapped[Group] = relationship(lazy="joined")


_GROUP_NAMES = (
    select(table_of(Group).c.name)
    .join(table_of(Membership), table_of(Membership).c.group_id == table_of(Group).c.id)
    .where(table_of(Membership).c.user_id == bindparam("user_id"))
)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    scopes: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")
