"""The page of a contract drafted from a template shows its text as a document, not markup."""

from __future__ import annotations

import re

from tests.webui.api.test_templates_api import PURCHASE_FIELDS
from tests.webui.test_pages import browser_as, text  # noqa: F401 - fixture


def _draft(api, **fields: object) -> int:
    response = api("frank").post(
        "/api/v1/templates/purchase-zh/draft",
        json={"fields": {**PURCHASE_FIELDS, **fields}, "contract": {"department": "procurement"}},
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["contract"]["id"])


def _contract_text(html: str) -> str:
    found = re.search(r'<article class="contract-text"[^>]*>(.*?)</article>', html, re.S)
    assert found, "the drafted text is not on the page"
    return found.group(1)


def test_the_drafted_text_shows_headings_not_markdown_marks(api, browser_as):  # noqa: F811
    contract_id = _draft(api)
    shown = _contract_text(text(browser_as("frank").get(f"/templates/drafts/{contract_id}")))
    assert re.search(r"<h2[^>]*>[^<]*采购合同", shown)  # the `# ` title
    assert re.search(r"<h3[^>]*>", shown)  # the `## ` section headings
    assert not re.search(r"(^|>)\s*#{1,2} ", shown)
    assert "<pre" not in shown  # long lines wrap inside the window


def test_field_values_in_the_drafted_text_stay_text(api, browser_as):  # noqa: F811
    contract_id = _draft(api, subject="<img src=x onerror=alert(1)> 传感器")
    shown = _contract_text(text(browser_as("frank").get(f"/templates/drafts/{contract_id}")))
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
