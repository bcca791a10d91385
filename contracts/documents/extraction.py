"""Decide a file's type from its content, check it is safe, and extract its text."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

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

MAX_TEXT_CHARS = 2_000_000  # extracted text kept per version (~1,000 dense pages)
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200
_SNIFF = 64 * 1024


@dataclass(frozen=True)
class Extracted:
    text: str
    page_count: int | None
    truncated: bool = False


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
        return _extract_text_file(path)
    return Extracted("", None)


def _extract_text_file(path: Path) -> Extracted:
    # At most 4 bytes per character: never more than the cap is read into memory.
    with path.open("rb") as handle:
        head = handle.read(4 * MAX_TEXT_CHARS + 1)
    text = head.decode("utf-8", errors="replace")
    truncated = len(head) > 4 * MAX_TEXT_CHARS or len(text) > MAX_TEXT_CHARS
    return Extracted(text[:MAX_TEXT_CHARS], None, truncated)


class _TextBudget:
    """Collect page texts up to MAX_TEXT_CHARS in all."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.left = MAX_TEXT_CHARS
        self.truncated = False

    def add(self, text: str) -> None:
        if len(text) > self.left:
            text, self.truncated = text[: self.left], True
        self.parts.append(text)
        self.left -= len(text)

    @property
    def full(self) -> bool:
        return self.left <= 0


def _extract_pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports recoverable damage through logging; keep it out of our logs' noise.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    budget = _TextBudget()
    try:
        # A file handle, not a path: given a path pypdf reads the whole file into memory.
        with path.open("rb") as handle:
            reader = PdfReader(handle, strict=False)
            if reader.is_encrypted:
                raise UnreadableDocumentError("the PDF is encrypted; upload it without a password")
            page_count = len(reader.pages)
            for index in range(page_count):
                if budget.full:
                    budget.truncated = True
                    break
                budget.add(reader.pages[index].extract_text() or "")
                # pypdf keeps every object it resolved (content streams, fonts, the raw
                # data of each page's images) for the reader's lifetime: a 100 MB scan
                # would stay in memory. Forget them page by page; the page tree stays.
                reader.resolved_objects.clear()
    except UnreadableDocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnreadableDocumentError(f"the PDF is corrupt or unreadable: {exc}") from exc
    if not page_count:
        raise UnreadableDocumentError("the PDF has no pages")
    text = "\n\f\n".join(budget.parts).strip()
    return Extracted(text[:MAX_TEXT_CHARS], page_count, budget.truncated)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _extract_docx(path: Path) -> Extracted:
    """Stream word/document.xml: paragraphs in order, a table row as tab-separated cells.

    Not python-docx: it loads every part of the package (images included) into memory,
    so a DOCX with a 50 MB scan would cost 150 MB. Here only the text is ever held.
    """
    from lxml import etree

    budget = _TextBudget()
    try:
        with zipfile.ZipFile(path) as archive, archive.open("word/document.xml") as xml:
            events = etree.iterparse(
                xml,
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
            )
            _collect_docx_text(events, budget)
    except (KeyError, zipfile.BadZipFile, OSError, etree.LxmlError) as exc:
        raise UnreadableDocumentError(f"the DOCX is corrupt or unreadable: {exc}") from exc
    return Extracted("".join(budget.parts).strip(), None, budget.truncated)


def _collect_docx_text(events: Any, budget: _TextBudget) -> None:
    reader = _DocxText(budget)
    for event, element in events:
        tag = element.tag
        if not tag.startswith(_W):
            continue
        name = tag[len(_W) :]
        if event == "start":
            reader.table_depth += name == "tbl"
            continue
        reader.end(name, element.text)
        if name in ("p", "tr", "tbl"):
            # Drop what was parsed so far: memory stays flat however long the body is.
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        if budget.full:
            budget.truncated = True
            return


class _DocxText:
    """Paragraph text in document order; a table row as tab-separated cells."""

    def __init__(self, budget: _TextBudget) -> None:
        self.budget = budget
        self.paragraph: list[str] = []
        self.cell: list[str] = []
        self.row: list[str] = []
        self.table_depth = 0

    def end(self, name: str, text: str | None) -> None:
        if name == "t":
            self.paragraph.append(text or "")
        elif name == "tab":
            self.paragraph.append("\t")
        elif name in ("br", "cr"):
            self.paragraph.append("\n")
        elif name == "p":
            line = "".join(self.paragraph)
            self.paragraph.clear()
            if self.table_depth:
                self.cell.append(line)
            else:
                self.budget.add(line + "\n")
        elif name == "tc":
            self.row.append("\n".join(self.cell))
            self.cell.clear()
        elif name == "tr":
            self.budget.add("\t".join(self.row) + "\n")
            self.row.clear()
        elif name == "tbl":
            self.table_depth -= 1
