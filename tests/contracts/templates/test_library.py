"""Every shipped template renders in its language to DOCX and PDF; the PDF holds the text."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from contracts.templates import renditions, sandbox
from contracts.templates.service import with_defaults

LIBRARY = Path(__file__).resolve().parents[3] / "templates" / "contracts"
SHIPPED = sorted(p.stem for p in LIBRARY.glob("*.json"))


def _render(code: str) -> tuple[dict, str]:
    meta = json.loads((LIBRARY / f"{code}.json").read_text(encoding="utf-8"))
    body = (LIBRARY / f"{code}.txt.j2").read_text(encoding="utf-8")
    values = with_defaults(meta["fields"], sandbox.sample_values(meta["fields"]))
    values.update(amount=1234567.89, effective_date="2027-01-01", expiry_date="2027-12-31")
    values = {k: v for k, v in values.items() if k in meta["fields"]["properties"]}
    sandbox.validate_fields(meta["fields"], values)
    return meta, sandbox.render_body(body, values)


def test_the_library_has_four_kinds_in_both_languages():
    assert set(SHIPPED) == {
        f"{k}-{lang}" for k in ("purchase", "sales", "service", "nda") for lang in ("zh", "en")
    }


@pytest.mark.parametrize("code", SHIPPED)
def test_template_renders_to_docx_and_pdf(code, tmp_path):
    meta, text = _render(code)
    marker = "甲方" if meta["language"] == "zh" else "Governing law"
    assert marker in text
    if meta["contract_type"] != "nda":
        assert "1,234,567.89" in text

    docx = Document(io.BytesIO(renditions.to_docx(text)))
    paragraphs = "\n".join(p.text for p in docx.paragraphs)
    assert marker in paragraphs

    pdf = tmp_path / f"{code}.pdf"
    pdf.write_bytes(renditions.to_pdf(text, title=meta["name"]))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdftotext"), "install poppler-utils (make fonts)"
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(extracted.split())
    assert "".join(marker.split()) in squeezed
    if meta["language"] == "zh":
        assert "中华人民共和国" in squeezed
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSansCJK" in fonts and " yes " in fonts  # embedded


def test_loading_the_library_again_changes_nothing(session):
    from sqlalchemy import func, select

    from contracts.templates.library import load_template_library
    from contracts.templates.models import Template, TemplateVersion

    assert load_template_library(session, LIBRARY) == []
    assert session.scalar(select(func.count()).select_from(Template)) == len(SHIPPED)
    assert session.scalar(select(func.count()).select_from(TemplateVersion)) == len(SHIPPED)
