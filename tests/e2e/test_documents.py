"""Documents in a real Chromium: upload a DOCX to a contract, upload v2, compare them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.contracts.documents.samples import make_docx
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

V1 = [
    "采购合同 Purchase Contract",
    "第一条 甲方应于三十日内付款。 Clause 1: payment within 30 days.",
    "第二条 交货地点：上海。 Clause 2: delivery in Shanghai.",
]
V2 = [
    "采购合同 Purchase Contract",
    "第一条 乙方应于十日内付款。 Clause 1: payment within 10 days.",
    "第二条 交货地点：上海。 Clause 2: delivery in Shanghai.",
]


def test_upload_a_docx_then_compare_two_versions(new_page, tmp_path: Path):
    first, second = tmp_path / "采购合同.docx", tmp_path / "采购合同-v2.docx"
    first.write_bytes(make_docx(V1))
    second.write_bytes(make_docx(V2))

    page = new_page()
    sign_in(page, "alice")
    page.click("nav >> text=New contract")
    page.fill("#title", "Steel purchase (e2e documents)")
    page.select_option("#contract_type", "sales")
    page.fill("#counterparty", "ACME Trading Co.")
    page.fill("#amount", "120000.00")
    page.select_option("#currency", "CNY")
    page.select_option("#department", "sales")
    page.fill("#effective_date", "2027-01-01")
    page.fill("#expiry_date", "2027-12-31")
    page.click("text=Create draft")
    page.wait_for_url(re.compile(r".*/contracts/\d+$"))

    documents = page.locator("#documents")
    documents.locator("#doc-file").set_input_files(str(first))
    documents.locator("#doc-title").fill("Purchase contract")
    documents.locator("#doc-note").fill("as sent")
    documents.locator("button", has_text="Upload").last.click()
    page.wait_for_selector("text=Uploaded Purchase contract.")
    article = page.locator("#documents article", has_text="Purchase contract")
    assert "采购合同.docx" in article.inner_text()

    article.locator("input[name=file]").set_input_files(str(second))
    article.locator("input[name=note]").fill("10 days")
    article.locator("button", has_text="Upload version").click()
    page.wait_for_selector("text=Version 2 uploaded.")
    screenshot(page, "documents-contract-versions")

    article = page.locator("#documents article", has_text="Purchase contract")
    article.locator("button", has_text="Compare").click()
    page.wait_for_url(re.compile(r".*/documents/\d+/compare\?a=1&b=2$"))
    assert page.inner_text("h1") == "Purchase contract: v1 ↔ v2"
    assert page.locator("del", has_text="甲").count() >= 1
    assert page.locator("ins", has_text="乙").count() >= 1
    assert page.locator("del", has_text="30").count() == 1
    assert page.locator("ins", has_text="10").count() == 1
    screenshot(page, "documents-compare")

    with page.expect_download() as download_info:
        page.click("text=Download report")
    download = download_info.value
    assert download.suggested_filename.endswith("-v1-v2-compare.html")
    report = Path(download.path()).read_text(encoding="utf-8")
    assert "<del>甲</del>" in report and "<ins>乙</ins>" in report
