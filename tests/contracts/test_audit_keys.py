"""The audit chain's bytes and digests are pinned: logs written before any refactoring verify."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from decimal import Decimal

from contracts.audit import keys

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
FIELDS = {
    "at": datetime(2026, 12, 7, 9, 30, 5),
    "actor": "bob",
    "action": "task.complete",
    "object_type": "contract",
    "object_id": "42",
    "ip": "127.0.0.1",
    "details": {"decision": "approve", "amount": Decimal("12.30"), "名": "审批"},
    "prev_hash": "ab" * 32,
}
BODY = (
    b'{"action":"task.complete","actor":"bob","at":"2026-12-07T09:30:05",'
    b'"details":{"amount":"12.30","decision":"approve","\\u540d":"\\u5ba1\\u6279"},'
    b'"ip":"127.0.0.1","object_id":"42","object_type":"contract",'
    b'"prev":"abababababababababababababababababababababababababababababababab"}'
)


def test_the_entry_body_is_the_canonical_json_of_its_fields() -> None:
    assert keys.entry_body(FIELDS) == BODY


def test_digests_are_plain_hmac_sha256_under_each_key() -> None:
    expected = "cedf25d2b6eb404ef0574229408af9bbc18983bf74166a8efc8144e64c96c2ca"
    assert keys.keyed_digest(KEY, BODY) == expected
    assert keys.keyed_digest(KEY, BODY) == expected  # the prepared key is not consumed
    other = keys.keyed_digest(OTHER_KEY, BODY)
    assert other == hmac.new(OTHER_KEY, BODY, hashlib.sha256).hexdigest() != expected
    assert keys.keyed_digest(KEY, BODY + b" ") != expected
    assert keys.head_signature(KEY, "cd" * 32) == (
        "5db05a68f9b477e0122c74d2e1295611c5703c4fdc65354b3147b47eb320fdb5"
    )


def test_a_settings_key_id_is_the_fingerprint_of_its_current_key() -> None:
    settings = keys.AuditSettings(KEY, previous_keys=(OTHER_KEY,))
    assert settings.key_id == keys.key_id(KEY) == "1844750ad1b5481c"
    assert settings.key_for(keys.key_id(OTHER_KEY)) == OTHER_KEY
