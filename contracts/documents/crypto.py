"""Envelope encryption: AES-256-GCM per file in authenticated 1 MiB segments.

Each file has a random 32-byte data key; the data key is stored wrapped
(AES-256-GCM) by a master key, tagged with the master key's id so that
rotation can re-wrap data keys without touching the files.

File layout: MAGIC (4) | nonce prefix (8) | segments. Segment i is the
AES-GCM ciphertext (+16-byte tag) of up to SEGMENT_SIZE plaintext bytes with
nonce = prefix + i (4 bytes, big-endian) and associated data = header + i +
final flag, so reordering, truncation and appending are all detected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.documents.errors import DocumentIntegrityError, KeyringError

MAGIC = b"CFE1"
HEADER_SIZE = 12
SEGMENT_SIZE = 1024 * 1024
TAG_SIZE = 16
KEY_SIZE = 32
_WRAP_AAD = b"contractflow-data-key"


def key_id(master_key: bytes) -> str:
    """Return a short public fingerprint of a master key."""
    return hashlib.sha256(b"contractflow-kid" + master_key).hexdigest()[:16]


@dataclass
class Keyring:
    """The current master key plus older ones still accepted for unwrapping."""

    current: bytes
    others: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        for key in [self.current, *self.others]:
            if len(key) != KEY_SIZE:
                raise KeyringError("a master key must be 32 bytes")

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def _key(self, kid: str) -> bytes:
        for key in [self.current, *self.others]:
            if key_id(key) == kid:
                return key
        raise KeyringError(f"master key {kid} is not available; was it rotated away?")

    def wrap(self, data_key: bytes) -> str:
        """Encrypt a data key under the current master key: 'kid:base64(nonce|ct)'."""
        nonce = secrets.token_bytes(12)
        kid = self.current_id
        sealed = AESGCM(self.current).encrypt(nonce, data_key, _WRAP_AAD + kid.encode())
        return f"{kid}:{base64.b64encode(nonce + sealed).decode()}"

    def unwrap(self, wrapped: str) -> bytes:
        """Recover a data key wrapped by any key of the ring."""
        kid, _, blob = wrapped.partition(":")
        raw = base64.b64decode(blob)
        try:
            return AESGCM(self._key(kid)).decrypt(raw[:12], raw[12:], _WRAP_AAD + kid.encode())
        except InvalidTag as exc:
            raise KeyringError(f"the data key wrapped by {kid} does not authenticate") from exc

    def rewrap(self, wrapped: str) -> str:
        """Re-wrap a data key under the current master key (no file is touched)."""
        if wrapped.partition(":")[0] == self.current_id:
            return wrapped
        return self.wrap(self.unwrap(wrapped))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">IB", index, 1 if final else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    if index >= 2**32:
        raise ValueError("file too large for one data key")
    return prefix + struct.pack(">I", index)


def encrypt_chunks(data_key: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Encrypt a plaintext stream; yields the header, then one ciphertext per segment."""
    aead = AESGCM(data_key)
    prefix = secrets.token_bytes(8)
    header = MAGIC + prefix
    yield header
    index = 0
    pending = bytearray()
    for chunk in chunks:
        pending += chunk
        # Keep at least one byte back so the last segment is always sealed as final.
        while len(pending) > SEGMENT_SIZE:
            segment = bytes(pending[:SEGMENT_SIZE])
            del pending[:SEGMENT_SIZE]
            yield aead.encrypt(_nonce(prefix, index), segment, _aad(header, index, False))
            index += 1
    yield aead.encrypt(_nonce(prefix, index), bytes(pending), _aad(header, index, True))


def decrypt_stream(data_key: bytes, source: BinaryIO) -> Iterator[bytes]:
    """Decrypt a stored file segment by segment; raise DocumentIntegrityError on tampering."""
    aead = AESGCM(data_key)
    header = source.read(HEADER_SIZE)
    if len(header) != HEADER_SIZE or header[:4] != MAGIC:
        raise DocumentIntegrityError("the stored file has no valid header")
    prefix = header[4:]
    size = SEGMENT_SIZE + TAG_SIZE
    current = source.read(size)
    index = 0
    while True:
        following = source.read(size) if len(current) == size else b""
        final = not following
        try:
            yield aead.decrypt(_nonce(prefix, index), current, _aad(header, index, final))
        except InvalidTag as exc:
            raise DocumentIntegrityError(
                f"segment {index} of the stored file failed authentication"
            ) from exc
        if final:
            return
        current = following
        index += 1


def load_keyring(env_value: str | None, key_file: Path) -> Keyring:
    """Build the keyring from CONTRACTFLOW_MASTER_KEY or the key file (created 0600).

    Files `<key>.previous` and `<key>.new` next to the key file are accepted for
    unwrapping too, so an interrupted rotation never locks data out.
    """
    others = [
        _read_key_file(path)
        for path in (_sibling(key_file, ".new"), _sibling(key_file, ".previous"))
        if path.exists()
    ]
    if env_value:
        return Keyring(_decode(env_value), others)
    if not key_file.exists():
        write_key_file(key_file, secrets.token_bytes(KEY_SIZE))
    return Keyring(_read_key_file(key_file), others)


def write_key_file(path: Path, key: bytes) -> None:
    """Write a base64 key to a new file readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    path.chmod(0o600)


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _read_key_file(path: Path) -> bytes:
    return _decode(path.read_text().strip())


def _decode(value: str) -> bytes:
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except binascii.Error as exc:
        raise KeyringError("the master key is not valid base64") from exc
    if len(key) != KEY_SIZE:
        raise KeyringError("the master key must decode to 32 bytes")
    return key


def sibling_paths(key_file: Path) -> tuple[Path, Path]:
    """Return the (new, previous) key file paths used during rotation."""
    return _sibling(key_file, ".new"), _sibling(key_file, ".previous")
