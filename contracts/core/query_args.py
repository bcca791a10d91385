"""Read query-string arguments of a list, collecting every bad one into one ValidationError."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from contracts.errors import ValidationError

T = TypeVar("T")


class QueryArgs:
    """Typed readers over a mapping of query arguments; `done()` raises what was wrong."""

    def __init__(self, args: Mapping[str, str]) -> None:
        self.args = args
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        """Record a message against argument `name`."""
        self.errors.setdefault(name, []).append(message)

    def _read(self, name: str, convert: Callable[[str], T], message: str) -> T | None:
        raw = self.args.get(name)
        if raw is None or raw == "":
            return None
        try:
            return convert(raw)
        except (ValueError, InvalidOperation):
            self.fail(name, message)
            return None

    def text(self, name: str) -> str | None:
        """Return the argument's text (at most 200 characters), None when absent."""
        return self._read(name, lambda s: s[:200], "")

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        """Return a whole number between `low` and `high`, else `default`."""
        value = self._read(name, int, "must be a whole number")
        if value is None:
            return default
        if not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}")
            return default
        return value

    def decimal(self, name: str) -> Decimal | None:
        """Return a finite decimal number."""
        value = self._read(name, Decimal, "must be a decimal number")
        if value is not None and not value.is_finite():
            self.fail(name, "must be a finite number")
            return None
        return value

    def day(self, name: str) -> date | None:
        """Return an ISO date."""
        return self._read(name, date.fromisoformat, "must be an ISO date, e.g. 2027-06-30")

    def moment(self, name: str) -> datetime | None:
        """An ISO date or timestamp; one without an offset is taken as UTC."""
        value = self._read(name, datetime.fromisoformat, "must be an ISO date or timestamp")
        if value is None:
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    def boolean(self, name: str) -> bool | None:
        """Return true/false (also 1/0, yes/no)."""

        def convert(raw: str) -> bool:
            lowered = raw.lower()
            if lowered in {"1", "true", "yes"}:
                return True
            if lowered in {"0", "false", "no"}:
                return False
            raise ValueError(raw)

        return self._read(name, convert, "must be true or false")

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        """Return one of `choices`."""
        value = self.text(name)
        if value is not None and value not in choices:
            self.fail(name, f"must be one of: {', '.join(choices)}")
            return None
        return value

    def done(self) -> None:
        """Raise a ValidationError naming every bad argument, if there was one."""
        if self.errors:
            raise ValidationError(self.errors, "invalid query parameters")
