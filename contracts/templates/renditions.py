"""Turn rendered contract text into DOCX (python-docx) and PDF (fpdf2, CJK font embedded).

The text uses a tiny markup: `# ` starts the title, `## ` a section heading,
every other non-empty line is a paragraph.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF

# Debian's fonts-noto-cjk; index 2 of the collection is Simplified Chinese (SC).
CJK_FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_INDEX = 2
CJK_FONT_NAME = "Noto Sans CJK SC"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


class FontMissingError(RuntimeError):
    """The CJK font is not installed (apt-get install fonts-noto-cjk)."""


def blocks(text: str) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) with kind title, heading or paragraph."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("## "):
            yield "heading", stripped[3:].strip()
        elif stripped.startswith("# "):
            yield "title", stripped[2:].strip()
        else:
            yield "paragraph", stripped


def to_docx(text: str) -> bytes:
    """Render the text as a Word document whose runs name the CJK font for East Asian text."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = CJK_FONT_NAME
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT_NAME)
    for kind, line in blocks(text):
        if kind == "title":
            paragraph = document.add_heading(line, level=0)
        elif kind == "heading":
            paragraph = document.add_heading(line, level=1)
        else:
            paragraph = document.add_paragraph(line)
        for run in paragraph.runs:
            run.font.name = CJK_FONT_NAME
            run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT_NAME)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(text: str, *, title: str = "") -> bytes:
    """Render the text as an A4 PDF with the Noto CJK font embedded (subset)."""
    if not CJK_FONT_PATH.exists():
        raise FontMissingError(f"{CJK_FONT_PATH} is missing: apt-get install fonts-noto-cjk")
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("ContractFlow")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("cjk", "", str(CJK_FONT_PATH), collection_font_number=CJK_FONT_INDEX)
    pdf.add_page()
    for kind, line in blocks(text):
        if kind == "title":
            pdf.set_font("cjk", size=18)
            pdf.multi_cell(0, 10, line, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif kind == "heading":
            pdf.ln(2)
            pdf.set_font("cjk", size=13)
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("cjk", size=10.5)
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())
