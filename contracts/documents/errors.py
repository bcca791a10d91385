"""Errors of the documents package.

engine.errors.InvalidInputError
 ├── UnreadableDocumentError   unreadable_document  corrupt/encrypted PDF, zip bomb, bad member
 └── DocumentTooLargeError     document_too_large   (-> 413, mapped by webui.documents)
 └── UnsupportedDocumentTypeError unsupported_type (-> 415, mapped by webui.documents)
engine.errors.NotFoundError
 └── DocumentNotFoundError     document_not_found
engine.errors.ConflictError
 └── BodyMergeConflictError    merge_conflict       details: the conflicts to resolve
DocumentIntegrityError         document_integrity   stored bytes altered or damaged (-> 500:
                                                    a server-side data problem, not the
                                                    client's; audited as a security event)
KeyringError                   master_key           no or wrong master key
"""

from __future__ import annotations

from typing import Any

from engine.errors import AuditNote, ConflictError, EngineError, InvalidInputError, NotFoundError


class UnreadableDocumentError(InvalidInputError):
    code = "unreadable_document"


class DocumentTooLargeError(InvalidInputError):
    code = "document_too_large"


class UnsupportedDocumentTypeError(InvalidInputError):
    code = "unsupported_type"


class DocumentNotFoundError(NotFoundError):
    code = "document_not_found"


class DocumentIntegrityError(EngineError):
    """The stored file failed authentication or its SHA-256: it was altered or damaged.

    Not the client's fault and not fixed by retrying: answered 500, logged and audited.
    The audit entry is decided here: every such error carries its
    `document.integrity_failed` note (on the document named in `details`), which the
    web layer records after rolling the request back.
    """

    code = "document_integrity"

    def __init__(
        self, message: str, *, details: Any = None, audit: AuditNote | None = None
    ) -> None:
        document = details.get("document") if isinstance(details, dict) else None
        note = audit or AuditNote(
            "document.integrity_failed", "document", None if document is None else str(document)
        )
        super().__init__(message, details=details, audit=note)


class BodyMergeConflictError(ConflictError):
    code = "merge_conflict"


class KeyringError(EngineError):
    code = "master_key"
