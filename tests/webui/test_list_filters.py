"""The contract list page filters as the API does: amounts, dates, owner; bad input explained."""

from __future__ import annotations

import re

import pytest

from tests.webui.test_pages import browser_as, errors_of, text  # noqa: F401 - fixture


@pytest.fixture
def listed(browser_as):  # noqa: F811
    """Three of alice's drafts and one of bob's, with different amounts and terms."""
    alice, bob = browser_as("alice"), browser_as("bob")
    alice.create_contract(
        title="Small paper", amount="800.00", effective_date="2027-01-01", expiry_date="2027-06-30"
    )
    alice.create_contract(
        title="Medium lease", amount="60000.00", effective_date="2027-03-01",
        expiry_date="2028-02-28",
    )  # fmt: skip
    alice.create_contract(
        title="Large build", amount="900000.00", effective_date="2027-09-01",
        expiry_date="2030-12-31",
    )  # fmt: skip
    bob.create_contract(title="Bobs deal", amount="50000.00")


def titles(html: str) -> set[str]:
    names = {"Small paper", "Medium lease", "Large build", "Bobs deal"}
    return {name for name in names if name in html}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amount_min=10000&amount_max=100000", {"Medium lease", "Bobs deal"}),
        ("amount_min=500000", {"Large build"}),
        ("effective_after=2027-02-01&effective_before=2027-06-30", {"Medium lease"}),
        ("expires_after=2028-01-01&expires_before=2028-12-31", {"Medium lease"}),
        ("expires_before=2027-12-31", {"Small paper", "Bobs deal"}),
        ("owner=bob", {"Bobs deal"}),
    ],
)
def test_the_page_narrows_by_amount_dates_and_owner(browser_as, listed, query, expected):  # noqa: F811
    response = browser_as("bob").get(f"/contracts/?{query}")
    assert response.status_code == 200
    assert titles(text(response)) == expected


def test_the_filter_form_offers_and_keeps_the_new_filters(browser_as, listed):  # noqa: F811
    html = text(browser_as("alice").get("/contracts/?amount_min=100&expires_before=2028-01-31"))
    for name in (
        "amount_min", "amount_max", "effective_after", "effective_before",
        "expires_after", "expires_before", "owner",
    ):  # fmt: skip
        assert f'name="{name}"' in html, name
    assert re.search(r'name="amount_min"[^>]*value="100"', html)
    assert re.search(r'name="expires_before"[^>]*value="2028-01-31"', html)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("amount_min=lots", "amount_min", "Enter a number"),
        ("amount_min=500&amount_max=100", "amount_max", "not be less than"),
        ("effective_after=tomorrow", "effective_after", "Enter a date"),
        ("expires_after=2028-01-01&expires_before=2027-01-01", "expires_before", "not be before"),
        ("effective_after=2028-01-01&effective_before=2027-01-01", "effective_before",
         "not be before"),
    ],
)  # fmt: skip
def test_bad_filter_input_is_explained_next_to_the_filter(
    browser_as,  # noqa: F811
    listed,
    query,
    field,
    message,
):
    response = browser_as("alice").get(f"/contracts/?{query}")
    assert response.status_code == 422
    html = text(response)
    assert message in errors_of(html, f"filter-{field}")
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html)
    # Not silently ignored: no list is shown as if the filter had applied.
    assert titles(html) == set()


def test_bad_filter_input_is_explained_in_chinese(browser_as, listed):  # noqa: F811
    html = text(
        browser_as("alice").get("/contracts/?amount_min=lots", headers={"Accept-Language": "zh-CN"})
    )
    assert "请输入数字" in errors_of(html, "filter-amount_min")


def test_an_htmx_request_with_bad_input_still_swaps_the_message(browser_as, listed):  # noqa: F811
    response = browser_as("alice").get("/contracts/?amount_min=x", headers={"HX-Request": "true"})
    # htmx does not swap 4xx answers: the message must arrive with a 200.
    assert response.status_code == 200
    assert "Enter a number" in errors_of(text(response), "filter-amount_min")
