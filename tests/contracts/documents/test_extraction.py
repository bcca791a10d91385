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
