"""Where encrypted files live: a small interface, the local filesystem by default."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol


class Storage(Protocol):
    """A blob store for opaque (already encrypted) bytes, addressed by key."""

    def put(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store a stream under a new key; return (key, bytes written). All or nothing."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored blob for reading."""
        ...

    def replace(self, key: str, chunks: Iterable[bytes]) -> None:
        """Overwrite a stored blob atomically (used by repair and tests)."""
        ...

    def delete(self, key: str) -> None:
        """Remove a blob if it exists."""
        ...


class LocalStorage:
    """Blobs as files under `root`, sharded by the first characters of the key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"

    def path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key[:2] / key[2:4] / key

    def put(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        key = secrets.token_hex(16)
        size = self._write(self.path(key), chunks)
        return key, size

    def replace(self, key: str, chunks: Iterable[bytes]) -> None:
        self._write(self.path(key), chunks)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def _write(self, target: Path, chunks: Iterable[bytes]) -> int:
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix="put-")
        size = 0
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                    size += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(name, target)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return size
