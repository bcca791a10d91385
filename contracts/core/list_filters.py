"""Parse the contract list's filters once, for the list page and `GET /api/v1/contracts`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from contracts.core.field_messages import N_, Sentence
from contracts.core.models import ContractStatus
from contracts.core.query_args import QueryArgs
from contracts.core.service import ContractFilters

STATUSES = tuple(str(status) for status in ContractStatus)

# (start, end) of each date range: the end is the one marked when they are reversed.
RANGES = (("effective_after", "effective_before"), ("expires_after", "expires_before"))

NOT_YUAN = N_("Enter a number of yuan, e.g. 50000.")
NOT_A_DAY = N_("Enter a date as YYYY-MM-DD, e.g. 2027-06-30.")
MAX_BELOW_MIN = N_("The maximum must not be less than the minimum.")
END_BEFORE_START = N_("The end must not be before the start.")


def parse_contract_filters(args: Mapping[str, str]) -> ContractFilters:
    """Return the filters in `args`; a ValidationError names every bad one.

    Messages a user reads next to a typed filter are `Sentence`s, said in the reader's
    language at the web edge.
    """
    read = QueryArgs(args)
    filters = ContractFilters(
        q=read.text("q"),
        status=read.choice("status", STATUSES),
        contract_type=read.text("contract_type"),
        department=read.text("department"),
        tag=read.text("tag"),
        owner=read.text("owner"),
        amount_min=_amount(read, "amount_min"),
        amount_max=_amount(read, "amount_max"),
        effective_after=_day(read, "effective_after"),
        effective_before=_day(read, "effective_before"),
        expires_after=_day(read, "expires_after"),
        expires_before=_day(read, "expires_before"),
        page=read.integer("page", 1, 1, 100000),
        per_page=read.integer("per_page", 20, 1, 100),
    )
    if _reversed(filters.amount_min, filters.amount_max):
        read.fail("amount_max", Sentence(MAX_BELOW_MIN))
    for start, end in RANGES:
        if _reversed(getattr(filters, start), getattr(filters, end)):
            read.fail(end, Sentence(END_BEFORE_START))
    read.done()
    return filters


def _amount(read: QueryArgs, name: str) -> Decimal | None:
    raw = read.args.get(name, "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        read.fail(name, Sentence(NOT_YUAN))
        return None
    return value


def _day(read: QueryArgs, name: str) -> date | None:
    raw = read.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        read.fail(name, Sentence(NOT_A_DAY))
        return None


def _reversed(start: Any, end: Any) -> bool:
    return start is not None and end is not None and end < start
