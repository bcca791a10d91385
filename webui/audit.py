"""The audit key and checkpoints, wired from the configuration; the periodic checkpoint job.

The key lives outside the database: CONTRACTFLOW_AUDIT_KEY (base64, 32 bytes), else
the file AUDIT_KEY_FILE (default `<instance>/audit.key`, created 0600 on first start).
A file `<key file>.previous` keeps entries signed by a rotated-away key verifiable.
It is deliberately not derived from the documents' master key: that one is rotated
by `rotate-master-key`, while the audit key must stay as long as the entries it signed.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import shared_task
from flask import Flask

from contracts import audit
from contracts.audit.keys import KEY_SIZE
from contracts.documents.crypto import write_key_file
from contracts.errors import AuditKeyError
from webui.extensions import db


def audit_settings(config: dict[str, Any]) -> audit.AuditSettings:
    """Build the audit settings from the app configuration (creating the key file once)."""
    key_file = Path(config.get("AUDIT_KEY_FILE") or Path(config["INSTANCE_DIR"]) / "audit.key")
    previous_file = key_file.with_name(key_file.name + ".previous")
    previous = (_decode(previous_file.read_text()),) if previous_file.exists() else ()
    if config.get("AUDIT_KEY"):
        key = _decode(str(config["AUDIT_KEY"]))
    else:
        if not key_file.exists():
            write_key_file(key_file, secrets.token_bytes(KEY_SIZE))
        key = _decode(key_file.read_text())
    return audit.AuditSettings(
        key=key,
        previous_keys=previous,
        checkpoint_every=max(1, int(config["AUDIT_CHECKPOINT_EVERY"])),
        checkpoint_interval=timedelta(seconds=float(config["AUDIT_CHECKPOINT_INTERVAL_SECONDS"])),
    )


def install_audit(app: Flask) -> None:
    """Key this app's database's audit log."""
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=True)
    audit.install(url, audit_settings(app.config))


def _decode(value: str) -> bytes:
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except binascii.Error as exc:
        raise AuditKeyError("the audit key is not valid base64") from exc
    if len(key) != KEY_SIZE:
        raise AuditKeyError("the audit key must decode to 32 bytes")
    return key


@shared_task(name="contracts.audit_checkpoint", ignore_result=True)
def audit_checkpoint() -> bool:
    """Sign the audit log's count and head when it grew (at most every interval)."""
    written = audit.checkpoint(db.session) is not None
    db.session.commit()
    return written
