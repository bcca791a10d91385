"""The contract list's typed filters over htmx: a bad amount is explained, then cleared."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_a_bad_amount_is_explained_next_to_the_filter_and_cleared_when_fixed(new_page) -> None:
    page = new_page()
    sign_in(page, "alice")
    page.goto("/contracts/")
    page.click("text=Amount, dates and owner")
    page.fill("#amount_min", "lots")
    page.press("#amount_min", "Tab")
    errors = page.locator("#filter-amount_min-errors")
    errors.get_by_text("Enter a number").wait_for()
    assert "amount_min=lots" in page.url
    page.fill("#amount_min", "1000")
    page.press("#amount_min", "Tab")
    page.wait_for_url("**amount_min=1000**")
    page.get_by_text("0 contracts", exact=True).wait_for()
    assert errors.inner_text().strip() == ""
