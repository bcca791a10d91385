"""Failed sign-ins counted per account name and per client address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base


class LoginThrottleCount(Base):
    """Sign-in attempts in the current window for one account name or one address.

    `scope` is "account" (key: the lower-cased user name, known or not) or "ip".
    An attempt is counted when it starts, before the password is checked; a
    successful sign-in takes the account's count back to zero.
    """

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(index=True)
