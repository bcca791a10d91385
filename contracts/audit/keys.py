"""The audit key: which key signs a database's log, and the keyed digests.

The key is kept apart from the database (a file under the instance folder or an
environment variable, read by the web layer) so that someone who can write the
database can't recompute the chain. The app installs it per database URL once;
`record()` and `verify_chain()` find it by the session's connection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from contracts.errors import AuditKeyError

KEY_SIZE = 32


def key_id(key: bytes) -> str:
    """Return a short public fingerprint of an audit key."""
    return hashlib.sha256(b"contractflow-audit-kid" + key).hexdigest()[:16]


@dataclass(frozen=True)
class AuditSettings:
    """The current audit key, older keys still accepted, and the checkpoint cadence."""

    key: bytes
    previous_keys: tuple[bytes, ...] = ()
    checkpoint_every: int = 1000  # a checkpoint after every N-th append
    checkpoint_interval: timedelta = timedelta(minutes=5)  # periodic job: at most this often
    _ids: dict[str, bytes] = field(default_factory=dict, init=False, repr=False, compare=False)
    _key_id: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key in (self.key, *self.previous_keys):
            if len(key) != KEY_SIZE:
                raise AuditKeyError("an audit key must be 32 bytes")
            self._ids[key_id(key)] = key
        object.__setattr__(self, "_key_id", key_id(self.key))  # every append writes it

    @property
    def key_id(self) -> str:
        return self._key_id

    def key_for(self, kid: str) -> bytes | None:
        """The key with this fingerprint, if this installation still has it."""
        return self._ids.get(kid)


_installed: dict[str, AuditSettings] = {}


def install(database: str, settings: AuditSettings) -> None:
    """Use these settings for the log of this database (called by the app factory)."""
    _installed[database] = settings


def settings_for(connection: Connection) -> AuditSettings:
    """The settings installed for the connection's database; refuse an unkeyed log."""
    settings = _installed.get(database_of(connection))
    if settings is None:
        raise AuditKeyError("no audit key is installed for this database; the app wires it")
    return settings


def database_of(connection: Connection) -> str:
    """The connection's database URL (password hidden), rendered once per engine."""
    engine = connection.engine
    name = _database_names.get(engine)
    if name is None:
        name = _database_names[engine] = engine.url.render_as_string(hide_password=True)
    return name


# An engine's URL does not change; rendering it costs more than the rest of a lookup.
_database_names: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()

# json.dumps(..., sort_keys=True, separators=(",", ":"), default=str), built once.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def entry_body(fields: dict[str, Any]) -> bytes:
    """The canonical bytes an entry's hash covers (unchanged since the unkeyed scheme)."""
    return _CANONICAL.encode(
        {
            "at": fields["at"].isoformat(),
            "actor": fields["actor"],
            "action": fields["action"],
            "object_type": fields["object_type"],
            "object_id": fields["object_id"],
            "ip": fields["ip"],
            "details": fields["details"],
            "prev": fields["prev_hash"],
        }
    ).encode()


def keyed_digest(key: bytes, body: bytes) -> str:
    """HMAC-SHA256 of the body under the key, as hex."""
    prepared = _prepared.get(key)
    if prepared is None:
        if len(_prepared) >= _PREPARED_MAX:
            _prepared.clear()
        prepared = _prepared[key] = hmac.new(key, digestmod=hashlib.sha256)
    mac = prepared.copy()  # the key's pads are hashed once per key, not per digest
    mac.update(body)
    return mac.hexdigest()


# Audit keys in use (a handful per process) -> an HMAC with nothing hashed yet.
_prepared: dict[bytes, hmac.HMAC] = {}
_PREPARED_MAX = 64


def legacy_digest(body: bytes) -> str:
    """The unkeyed SHA-256 of entries written before the upgrade."""
    return hashlib.sha256(body).hexdigest()


def head_signature(key: bytes, last_hash: str) -> str:
    """Sign the head's newest hash: moving the head back needs the key."""
    return keyed_digest(key, b"contractflow-audit-head:" + last_hash.encode())


def checkpoint_body(
    kind: str, entry_count: int, last_entry_id: int | None, head_hash: str, at: str
) -> bytes:
    return json.dumps(
        {
            "kind": kind,
            "count": entry_count,
            "last_entry_id": last_entry_id,
            "head": head_hash,
            "at": at,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def checkpoint_signature(key: bytes, body: bytes) -> str:
    return keyed_digest(key, b"contractflow-audit-checkpoint:" + body)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two hex digests (None never matches)."""
    return a is not None and b is not None and hmac.compare_digest(a, b)
