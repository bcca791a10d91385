"""Where encrypted files live: a small interface, the local filesystem by default."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator
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

    def keys_written_before(self, cutoff: float) -> Iterator[str]:
        """Keys of the blobs last written before `cutoff` (a POSIX timestamp)."""
        ...

    def remove_stale_parts(self, cutoff: float) -> int:
        """Remove half-written parts left before `cutoff` by a crash; return how many."""
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

    def keys_written_before(self, cutoff: float) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            key = path.name
            if key.isalnum() and path.parent.parent.name == key[:2] and _mtime(path) < cutoff:
                yield key

    def remove_stale_parts(self, cutoff: float) -> int:
        removed = 0
        for path in self.tmp.glob("put-*"):
            if _mtime(path) < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

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
            new_shard = not target.parent.exists()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(name, target)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        # The rename lives in the directory: without this a power cut can lose a file
        # whose version the database has already committed (and a new shard folder
        # lives in its parents).
        for folder in (target.parent, target.parent.parent, self.root)[: 3 if new_shard else 1]:
            _fsync_directory(folder)
        return size


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile
        return float("inf")
