import io
import zipfile

import pytest

from contracts.documents import extraction
from contracts.documents.errors import UnreadableDocumentError
from tests.contracts.documents.samples import make_docx, make_pdf

LINES = ["采购合同 Purchase Contract", "甲方应于三十日内付款。 Payment within 30 days."]


def _write(tmp_path, data, name="f"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_chinese_and_english(tmp_path):
    path = _write(tmp_path, make_pdf(LINES))
    assert extraction.detect_type(path) == extraction.PDF
    result = extraction.extract(path, extraction.PDF)
    assert "采购合同" in result.text and "Purchase Contract" in result.text
    assert "三十日" in result.text
    assert result.page_count == 1


def test_docx_chinese_and_english(tmp_path):
    path = _write(tmp_path, make_docx(LINES))
    assert extraction.detect_type(path) == extraction.DOCX
    result = extraction.extract(path, extraction.DOCX)
    assert result.text.splitlines() == LINES


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, extraction.PNG),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, extraction.JPEG),
        ("合同正文 plain text".encode(), extraction.TEXT),
        (b"\x00\x01\x02binary", extraction.OCTET),
    ],
)
def test_type_comes_from_the_content(tmp_path, data, mime):
    assert extraction.detect_type(_write(tmp_path, data, "looks.pdf")) == mime


def test_plain_zip_is_not_docx(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    assert extraction.detect_type(_write(tmp_path, buffer.getvalue())) == extraction.ZIP


def test_corrupt_pdf_is_refused(tmp_path):
    path = _write(tmp_path, b"%PDF-1.7\n" + b"garbage" * 100)
    with pytest.raises(UnreadableDocumentError):
        extraction.extract(path, extraction.PDF)


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["secret"]))))
    writer.encrypt("pw", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UnreadableDocumentError, match="encrypted"):
        extraction.extract(_write(tmp_path, buffer.getvalue()), extraction.PDF)


def _docx_with(tmp_path, name, data):
    buffer = io.BytesIO(make_docx(["x"]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return _write(tmp_path, buffer.getvalue())


def test_zip_bomb_is_refused(tmp_path):
    path = _docx_with(tmp_path, "word/media/bomb.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(UnreadableDocumentError, match="zip bomb"):
        extraction.extract(path, extraction.DOCX)


@pytest.mark.parametrize("name", ["../../evil.xml", "/etc/passwd", "C:\\x.xml"])
def test_path_tricks_are_refused(tmp_path, name):
    path = _docx_with(tmp_path, name, b"x")
    with pytest.raises(UnreadableDocumentError, match="unsafe member"):
        extraction.extract(path, extraction.DOCX)


def _pdf_pages(count: int) -> bytes:
    """`count` pages, each with its own small image and a numbered line of text."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for n in range(count):
        image = Image.frombytes("RGB", (8, 8), bytes([n % 256]) * 192)
        page.drawImage(ImageReader(image), 40, 600, width=80, height=80)
        page.drawString(40, 800, f"Page {n} clause {n}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def test_pdf_pages_are_released_one_by_one(tmp_path, monkeypatch):
    from pypdf import PageObject

    held: list[int] = []
    original = PageObject.extract_text

    def counting(self, *args, **kwargs):
        held.append(len(self.pdf.resolved_objects))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counting)
    result = extraction.extract(_write(tmp_path, _pdf_pages(30)), extraction.PDF)
    assert result.page_count == 30 and not result.truncated
    assert "Page 0 clause 0" in result.text and "Page 29 clause 29" in result.text
    # The objects pypdf resolved for one page are forgotten before the next page.
    assert len(held) == 30 and max(held[1:]) == min(held[1:])


def test_extracted_text_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 40)
    pdf = extraction.extract(_write(tmp_path, _pdf_pages(10), "p"), extraction.PDF)
    assert pdf.truncated and len(pdf.text) <= 40 and pdf.page_count == 10
    lines = [f"第{i}条 Clause {i}" for i in range(50)]
    docx = extraction.extract(_write(tmp_path, make_docx(lines), "d"), extraction.DOCX)
    assert docx.truncated and len(docx.text) <= 40 and docx.text.startswith("第0条 Clause 0")
    text = extraction.extract(_write(tmp_path, "合同".encode() * 100, "t"), extraction.TEXT)
    assert text.truncated and text.text == "合同" * 20
    short = extraction.extract(_write(tmp_path, b"short", "s"), extraction.TEXT)
    assert short.text == "short" and not short.truncated


def test_docx_text_is_streamed_in_document_order_with_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("第一条 Before the table")
    table = document.add_table(rows=2, cols=2)
    for (row, col), value in {(0, 0): "甲方", (0, 1): "乙方", (1, 0): "A1", (1, 1): "B1"}.items():
        table.cell(row, col).text = value
    table.cell(1, 1).add_paragraph("second line")
    run = document.add_paragraph("After").add_run()
    run.add_tab()
    run.add_text("tab")
    buffer = io.BytesIO()
    document.save(buffer)
    result = extraction.extract(_write(tmp_path, buffer.getvalue()), extraction.DOCX)
    assert result.text == "第一条 Before the table\n甲方\t乙方\nA1\tB1\nsecond line\nAfter\ttab"


def test_docx_with_broken_xml_is_unreadable(tmp_path):
    source = zipfile.ZipFile(io.BytesIO(make_docx(["x"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut off mid-document
            archive.writestr(member, data)
    path = _write(tmp_path, buffer.getvalue())
    with pytest.raises(UnreadableDocumentError):
        extraction.extract(path, extraction.DOCX)
