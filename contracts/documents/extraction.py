"""Decide a file's type from its content, check it is safe, and extract its text."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from contracts.documents.errors import UnreadableDocumentError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
OCTET = "application/octet-stream"
DEFAULT_ALLOWED = (PDF, DOCX, TEXT, PNG, JPEG)
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", TEXT: ".txt", PNG: ".png", JPEG: ".jpg"}

MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200
_SNIFF = 64 * 1024


@dataclass(frozen=True)
class Extracted:
    text: str
    page_count: int | None


def detect_type(path: Path) -> str:
    """Return the MIME type the bytes say (magic numbers), never the file name."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head and b"\x00" not in head and _is_utf8_prefix(head):
        return TEXT
    return OCTET


def _is_utf8_prefix(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still text.
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return ZIP
    return DOCX if "word/document.xml" in names else ZIP


def check_zip(path: Path) -> None:
    """Refuse zip bombs and path tricks before any member is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableDocumentError(f"the file is not a readable zip/DOCX: {exc}") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableDocumentError(f"the archive has too many members ({len(members)})")
    total = 0
    for member in members:
        _check_member_name(member.filename)
        total += member.file_size
        if member.file_size > 1024 * 1024 and (
            member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
        ):
            raise UnreadableDocumentError(
                f"member {member.filename!r} expands {member.file_size} bytes from "
                f"{member.compress_size}: refused as a zip bomb"
            )
    if total > MAX_ZIP_UNCOMPRESSED:
        raise UnreadableDocumentError(
            f"the archive would expand to {total} bytes: refused as a zip bomb"
        )


def _check_member_name(name: str) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or ":" in name or "\x00" in name:
        raise UnreadableDocumentError(f"the archive has an unsafe member name {name!r}")


def extract(path: Path, mime: str) -> Extracted:
    """Extract the searchable text (and page count) of a checked file."""
    if mime == PDF:
        return _extract_pdf(path)
    if mime == DOCX:
        check_zip(path)
        return _extract_docx(path)
    if mime == TEXT:
        return Extracted(path.read_bytes().decode("utf-8", errors="replace"), None)
    return Extracted("", None)


def _extract_pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports recoverable damage through logging; keep it out of our logs' noise.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        # A file handle, not a path: given a path pypdf reads the whole file into memory.
        with path.open("rb") as handle:
            reader = PdfReader(handle, strict=False)
            if reader.is_encrypted:
                raise UnreadableDocumentError("the PDF is encrypted; upload it without a password")
            pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnreadableDocumentError(f"the PDF is corrupt or unreadable: {exc}") from exc
    if not pages:
        raise UnreadableDocumentError("the PDF has no pages")
    return Extracted("\n\f\n".join(pages).strip(), len(pages))


def _extract_docx(path: Path) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableDocumentError(f"the DOCX is corrupt or unreadable: {exc}") from exc
    except Exception as exc:  # lxml XMLSyntaxError and friends: all mean "corrupt"
        raise UnreadableDocumentError(f"the DOCX is corrupt or unreadable: {exc}") from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return Extracted("\n".join(lines).strip(), None)
