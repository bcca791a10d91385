"""The `contractflow rotate-master-key` command's work: new key, re-wrap, swap key files."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from flask import current_app

from contracts.documents.crypto import KEY_SIZE, Keyring, sibling_paths, write_key_file
from contracts.documents.rotation import rewrap_all
from webui.documents.settings import document_settings, reset_document_settings
from webui.extensions import db


def rotate_master_key() -> str:
    """Rotate the master key and return a message for the operator.

    With a key file: the new key is written to `master.key.new` first, data keys are
    re-wrapped and committed, then the files are swapped (the old key kept as
    `master.key.previous`). The keyring accepts all three names, so a crash at any
    point leaves every file readable. With CONTRACTFLOW_MASTER_KEY the new key is
    printed for the operator to install.
    """
    old = document_settings().keyring
    new_key = secrets.token_bytes(KEY_SIZE)
    key_file = Path(
        current_app.config.get("MASTER_KEY_FILE")
        or Path(current_app.config["INSTANCE_DIR"]) / "master.key"
    )
    from_env = bool(os.environ.get("CONTRACTFLOW_MASTER_KEY"))
    new_path, previous_path = sibling_paths(key_file)
    if not from_env:
        write_key_file(new_path, new_key)
    changed = rewrap_all(db.session, old, Keyring(new_key))
    db.session.commit()
    reset_document_settings()
    if from_env:
        encoded = base64.b64encode(new_key).decode()
        return (
            f"re-wrapped {changed} data key(s). Set CONTRACTFLOW_MASTER_KEY={encoded} "
            "now; the old key no longer opens any file."
        )
    if key_file.exists():
        os.replace(key_file, previous_path)
    os.replace(new_path, key_file)
    return f"re-wrapped {changed} data key(s); new master key in {key_file}"
