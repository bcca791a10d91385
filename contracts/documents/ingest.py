"""Receive an upload: stream it to a private temp file, check it, extract, encrypt, store.

The file's plaintext only exists in a 0600 temp file for the length of the request
(PDF and DOCX readers need random access); it is removed whatever happens. The text
extracted from it is returned in clear and stored in the database by decision
(comparison and search need it): see "What is encrypted and what is not" in
docs/configuration.md.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from contracts.documents import crypto, extraction
from contracts.documents.errors import (
    DocumentTooLargeError,
    UnreadableDocumentError,
    UnsupportedDocumentTypeError,
)
from contracts.documents.settings import DocumentSettings

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """An incoming file: a readable stream, the name the client gave, its declared length."""

    stream: IO[bytes]
    filename: str
    declared_length: int | None = None


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    wrapped_key: str
    sha256: str
    size: int
    mime_type: str
    text: str
    page_count: int | None


def check_declared_length(length: int | None, settings: DocumentSettings) -> None:
    """Refuse an upload by its Content-Length, before reading any of it."""
    if length is not None and length > settings.max_upload_bytes:
        raise too_large(settings)


def too_large(settings: DocumentSettings) -> DocumentTooLargeError:
    limit = settings.max_upload_bytes
    return DocumentTooLargeError(
        f"the file is larger than the limit of {limit} bytes", details={"limit": limit}
    )


def receive(upload: Upload, settings: DocumentSettings) -> StoredFile:
    """Check, extract and store an upload; nothing is left behind when it is refused."""
    check_declared_length(upload.declared_length, settings)
    settings.temp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=settings.temp_dir, prefix="upload-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as spool:
            digest, size = _spool(upload.stream, spool, settings)
        if size == 0:
            raise UnreadableDocumentError("the file is empty")
        mime = extraction.detect_type(path)
        if mime not in settings.allowed_types:
            raise UnsupportedDocumentTypeError(
                f"files of type {mime} are not accepted",
                details={"detected_type": mime, "allowed": list(settings.allowed_types)},
            )
        extracted = extraction.extract(path, mime)
        return store_plaintext(path, settings, digest, size, mime, extracted)
    finally:
        path.unlink(missing_ok=True)


def store_plaintext(
    path: Path,
    settings: DocumentSettings,
    digest: str,
    size: int,
    mime: str,
    extracted: extraction.Extracted,
) -> StoredFile:
    """Encrypt a checked plaintext file under a fresh data key and store it."""
    data_key = crypto.new_data_key()
    key, _ = settings.storage.put(crypto.encrypt_chunks(data_key, read_chunks(path)))
    return StoredFile(
        storage_key=key,
        wrapped_key=settings.keyring.wrap(data_key),
        sha256=digest,
        size=size,
        mime_type=mime,
        text=extracted.text,
        page_count=extracted.page_count,
    )


def _spool(source: IO[bytes], target: BinaryIO, settings: DocumentSettings) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > settings.max_upload_bytes:
            raise too_large(settings)
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def decrypted_chunks(key: str, wrapped_key: str, settings: DocumentSettings) -> Iterator[bytes]:
    """Stream the plaintext of a stored file (raises DocumentIntegrityError when altered)."""
    data_key = settings.keyring.unwrap(wrapped_key)
    with settings.storage.open(key) as handle:
        yield from crypto.decrypt_stream(data_key, handle)
