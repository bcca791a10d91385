"""Build the documents' settings from the app configuration (once per app)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, request

from contracts.documents.crypto import load_keyring
from contracts.documents.extraction import DEFAULT_ALLOWED
from contracts.documents.settings import DocumentSettings
from contracts.documents.storage import LocalStorage

# Multipart framing and the small form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


def document_settings() -> DocumentSettings:
    """The app's DocumentSettings (storage, keyring, limits), built on first use."""
    cached = current_app.extensions.get("contractflow.documents")
    if cached is None:
        config = current_app.config
        instance = Path(config["INSTANCE_DIR"])
        root = Path(config.get("DOCUMENTS_DIR") or instance / "files")
        key_file = Path(config.get("MASTER_KEY_FILE") or instance / "master.key")
        cached = DocumentSettings(
            storage=LocalStorage(root),
            keyring=load_keyring(os.environ.get("CONTRACTFLOW_MASTER_KEY"), key_file),
            temp_dir=root / "tmp",
            max_upload_bytes=int(config["MAX_UPLOAD_BYTES"]),
            allowed_types=tuple(config.get("DOCUMENT_ALLOWED_TYPES") or DEFAULT_ALLOWED),
        )
        current_app.extensions["contractflow.documents"] = cached
    return cached


def reset_document_settings() -> None:
    """Forget the cached settings (after a key rotation)."""
    current_app.extensions.pop("contractflow.documents", None)


def allow_large_body() -> None:
    """Raise this request's body limit to the upload limit (JSON routes keep 2 MB)."""
    request.max_content_length = int(current_app.config["MAX_UPLOAD_BYTES"]) + MULTIPART_OVERHEAD
