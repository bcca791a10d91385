"""Encrypt connector secrets at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The key lives outside the database: the file the configuration names
(CONTRACTFLOW_SECRET_KEY_FILE, read by webui.config), else `instance/secrets.key`,
created on first use with mode 0600. Losing the key means re-entering the secrets, nothing more.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from connectors.errors import ConnectorConfigError


def key_path(instance_dir: Path, configured: str | Path | None = None) -> Path:
    """Where the key is: the configured file, else the instance folder."""
    return Path(configured or instance_dir / "secrets.key")


def load_or_create_key(path: Path) -> bytes:
    """Read the key, creating a fresh one (readable by the owner only) when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(Fernet.generate_key())
    return path.read_bytes().strip()


class SecretBox:
    """Encrypts and decrypts short secrets (tokens, passwords, HMAC keys)."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ConnectorConfigError(
                "a stored secret cannot be decrypted with the current key; enter it again"
            ) from exc
