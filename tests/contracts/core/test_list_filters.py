"""The contract list's filters are parsed once, without a request, for page and API alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts.core.field_messages import Sentence
from contracts.core.list_filters import parse_contract_filters
from contracts.errors import ValidationError


def test_good_arguments_become_filters() -> None:
    filters = parse_contract_filters(
        {"q": "采购", "amount_min": "50,000", "expires_before": "2027-06-30", "per_page": "50"}
    )
    assert filters.q == "采购"
    assert filters.amount_min == Decimal("50000")
    assert filters.expires_before == date(2027, 6, 30)
    assert (filters.page, filters.per_page) == (1, 50)


def test_every_bad_argument_is_named_and_typed_ones_are_sentences() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_contract_filters(
            {"status": "lost", "amount_min": "ten", "effective_after": "x", "page": "0"}
        )
    details = raised.value.details
    assert set(details) == {"status", "amount_min", "effective_after", "page"}
    assert isinstance(details["amount_min"][0], Sentence)
    assert details["amount_min"] == ["Enter a number of yuan, e.g. 50000."]
    assert details["page"] == ["must be between 1 and 100000"]


def test_a_reversed_range_marks_its_end() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_contract_filters({"amount_min": "10", "amount_max": "1"})
    assert raised.value.details == {
        "amount_max": ["The maximum must not be less than the minimum."]
    }
