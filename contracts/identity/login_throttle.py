"""The login throttle: sign-in attempts counted in the database before a password is checked.

Each sign-in first takes one attempt on its account name and one on its client
address, in a short transaction of its own that commits before the slow password
hash is verified. So parallel guesses, other gunicorn workers and a restart all
see the same count. One guarded upsert per counter both checks and counts (the
row is locked by the upsert on PostgreSQL, the database by the write on SQLite):
no two requests can take the same last attempt.

A failed sign-in keeps its attempt; a successful one gives the account's count
back (to zero) and its address's attempt, in the caller's transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from contracts.errors import LoginThrottledError
from contracts.identity.throttle_models import LoginThrottleCount
from engine import clock
from engine.db import table_of

ACCOUNT = "account"
IP = "ip"
_COUNTS = table_of(LoginThrottleCount)
_KEY_LENGTH = 200


@dataclass(frozen=True)
class ThrottleLimits:
    """Failed sign-ins allowed per window, per account name and per client address.

    `ip_failures` 0 turns the per-address limit off (behind a proxy that hides
    the client's address every sign-in would share one counter).
    """

    account_failures: int = 5
    ip_failures: int = 20
    window_seconds: float = 300.0

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)


@dataclass(frozen=True)
class Count:
    """One counter after an attempt was taken on it: the attempt's number and its window."""

    scope: str
    key: str
    attempt: int
    window_start: datetime


@dataclass(frozen=True)
class Reservation:
    """The attempts one sign-in holds (on its account name, and its address when known)."""

    counts: tuple[Count, ...]


class LoginThrottle:
    """Counts sign-in attempts in the `login_throttle` table of one database."""

    def __init__(self, engine: Engine, limits: ThrottleLimits | None = None) -> None:
        self.engine = engine
        self.limits = limits or ThrottleLimits()

    def reserve(self, username: str, ip: str) -> Reservation:
        """Take one attempt for the account and the address (committed), or raise.

        Raises LoginThrottledError (details: retry_after_seconds) when either
        counter has no attempt left in its window; then nothing is counted.
        """
        now = clock.now()
        wanted = [(ACCOUNT, account_key(username), self.limits.account_failures)]
        if ip and self.limits.ip_failures > 0:
            wanted.append((IP, ip[:_KEY_LENGTH], self.limits.ip_failures))
        # Always account first, then address: concurrent reservations lock rows in
        # the same order, so they queue and never deadlock.
        with self.engine.begin() as connection:
            counts = tuple(
                self._take(connection, scope, key, limit, now) for scope, key, limit in wanted
            )
        return Reservation(counts)

    def locks_engaged(self, reservation: Reservation) -> list[tuple[Count, int]]:
        """The counters a failed attempt has just locked, with the seconds the lock lasts."""
        now = clock.now()
        return [
            (count, self._wait(count.window_start, now))
            for count in reservation.counts
            if count.attempt == self._limit(count.scope)
        ]

    def release(self, session: Session, reservation: Reservation) -> None:
        """After a successful sign-in: zero the account's count, return the address's attempt.

        Runs in the caller's transaction (it commits with the sign-in), and drops
        counters whose window has passed.
        """
        connection = session.connection()
        for count in reservation.counts:
            where = (_COUNTS.c.scope == count.scope) & (_COUNTS.c.key == count.key)
            if count.scope == ACCOUNT:
                connection.execute(delete(_COUNTS).where(where))
            else:
                connection.execute(
                    update(_COUNTS)
                    .where(
                        where,
                        _COUNTS.c.window_start == count.window_start,
                        _COUNTS.c.attempts > 0,
                    )
                    .values(attempts=_COUNTS.c.attempts - 1)
                )
        cutoff = clock.now() - self.limits.window
        connection.execute(delete(_COUNTS).where(_COUNTS.c.window_start <= cutoff))

    def _take(
        self, connection: Connection, scope: str, key: str, limit: int, now: datetime
    ) -> Count:
        expired = _COUNTS.c.window_start <= now - self.limits.window
        statement = (
            _insert_for(connection)(_COUNTS)
            .values(scope=scope, key=key, attempts=1, window_start=now)
            .on_conflict_do_update(
                index_elements=[_COUNTS.c.scope, _COUNTS.c.key],
                set_={
                    "attempts": case((expired, 1), else_=_COUNTS.c.attempts + 1),
                    "window_start": case(
                        (expired, literal(now, _COUNTS.c.window_start.type)),
                        else_=_COUNTS.c.window_start,
                    ),
                },
                where=expired | (_COUNTS.c.attempts < limit),
            )
            .returning(_COUNTS.c.attempts, _COUNTS.c.window_start)
        )
        row = connection.execute(statement).first()
        if row is None:
            window_start = connection.execute(
                select(_COUNTS.c.window_start).where(_COUNTS.c.scope == scope, _COUNTS.c.key == key)
            ).scalar_one()
            wait = self._wait(window_start, now)
            raise LoginThrottledError(
                f"too many failed sign-ins; try again in {wait} seconds",
                details={"retry_after_seconds": wait},
            )
        return Count(scope, key, row.attempts, row.window_start)

    def _limit(self, scope: str) -> int:
        return self.limits.account_failures if scope == ACCOUNT else self.limits.ip_failures

    def _wait(self, window_start: datetime, now: datetime) -> int:
        left = (window_start + self.limits.window - now).total_seconds()
        return max(1, math.ceil(left))


def account_key(username: str) -> str:
    """The counter key of a user name: case-insensitive, so "Dave" and "dave" share one."""
    return username.strip().lower()[:_KEY_LENGTH]


def _insert_for(connection: Connection) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert
