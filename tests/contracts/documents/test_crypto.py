import io
import os

import pytest

from contracts.documents import crypto
from contracts.documents.errors import DocumentIntegrityError, KeyringError
from contracts.documents.storage import LocalStorage


def _roundtrip(data: bytes, chunk: int = 100_000) -> tuple[bytes, bytes]:
    key = crypto.new_data_key()
    parts = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]
    sealed = b"".join(crypto.encrypt_chunks(key, parts))
    return sealed, b"".join(crypto.decrypt_stream(key, io.BytesIO(sealed)))


@pytest.mark.parametrize(
    "size", [0, 1, crypto.SEGMENT_SIZE - 1, crypto.SEGMENT_SIZE, 2 * crypto.SEGMENT_SIZE + 5]
)
def test_round_trip_at_segment_boundaries(size):
    data = os.urandom(size)
    sealed, plain = _roundtrip(data)
    assert plain == data
    assert size < 16 or data not in sealed  # a byte or two may occur in random ciphertext


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1],  # truncated
        lambda b: b[: crypto.HEADER_SIZE + crypto.SEGMENT_SIZE + crypto.TAG_SIZE],  # segment cut
        lambda b: b + b"x",  # appended
        lambda b: b[:40] + bytes([b[40] ^ 1]) + b[41:],  # flipped bit
    ],
)
def test_tampering_is_detected(damage):
    sealed, _ = _roundtrip(os.urandom(crypto.SEGMENT_SIZE + 10))
    key = crypto.new_data_key()
    sealed = b"".join(crypto.encrypt_chunks(key, [os.urandom(crypto.SEGMENT_SIZE + 10)]))
    with pytest.raises(DocumentIntegrityError):
        b"".join(crypto.decrypt_stream(key, io.BytesIO(damage(sealed))))


def test_key_wrapping_and_rotation():
    old = crypto.Keyring(os.urandom(32))
    data_key = crypto.new_data_key()
    wrapped = old.wrap(data_key)
    assert wrapped.startswith(old.current_id + ":")
    new = crypto.Keyring(os.urandom(32), [old.current])
    rewrapped = new.rewrap(wrapped)
    assert rewrapped.startswith(new.current_id + ":")
    assert crypto.Keyring(new.current).unwrap(rewrapped) == data_key
    with pytest.raises(KeyringError):
        crypto.Keyring(new.current).unwrap(wrapped)


def test_key_file_is_created_private(tmp_path):
    path = tmp_path / "master.key"
    ring = crypto.load_keyring(None, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert crypto.load_keyring(None, path).current == ring.current


def test_environment_key_must_be_32_bytes(tmp_path):
    with pytest.raises(KeyringError):
        crypto.load_keyring("c2hvcnQ=", tmp_path / "k")


def test_local_storage_failed_write_leaves_nothing(tmp_path):
    storage = LocalStorage(tmp_path)

    def failing():
        yield b"abc"
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        storage.put(failing())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
