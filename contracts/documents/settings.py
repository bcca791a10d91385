"""What the document use cases need from configuration, handed in by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts.documents.crypto import Keyring
from contracts.documents.extraction import DEFAULT_ALLOWED
from contracts.documents.storage import Storage

DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class DocumentSettings:
    storage: Storage
    keyring: Keyring
    temp_dir: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    allowed_types: tuple[str, ...] = DEFAULT_ALLOWED
