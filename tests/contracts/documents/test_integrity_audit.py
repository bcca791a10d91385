"""A damaged stored file is a security event: the documents package decides what is audited."""

from __future__ import annotations

from contracts.documents.errors import DocumentIntegrityError
from engine.errors import AuditNote


def test_an_integrity_error_carries_its_audit_note_on_the_document():
    error = DocumentIntegrityError("damaged", details={"document": 42, "version": 3})
    assert error.audit == AuditNote("document.integrity_failed", "document", "42")


def test_an_integrity_error_without_a_document_is_still_audited():
    error = DocumentIntegrityError("the stored file has no valid header")
    assert error.audit == AuditNote("document.integrity_failed", "document", None)
