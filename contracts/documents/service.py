"""Document use cases: upload, new version, list, download, restore, compare.

Seeing a document follows the contract's visibility; changing it needs `may_edit` and a
contract that is not frozen (contracts/freeze.py: draft or rejected only).
Callers commit. When a use case fails after a file was stored, the file is removed, and
so it is when the caller's transaction ends without committing (see cleanup.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from contracts import audit
from contracts.core import freeze
from contracts.core.models import Contract
from contracts.core.text_input import has_visible_character
from contracts.documents import cleanup, diff, ingest
from contracts.documents.errors import DocumentIntegrityError, DocumentNotFoundError
from contracts.documents.ingest import StoredFile, Upload
from contracts.documents.models import Document, DocumentVersion, VersionSource
from contracts.documents.settings import DocumentSettings
from contracts.errors import ContractNotFoundError, PermissionDeniedError, ValidationError
from contracts.identity import access
from contracts.identity.actor import Actor
from engine.db import table_of

MAX_TITLE = 300


@dataclass(frozen=True)
class Download:
    version: DocumentVersion
    chunks: Iterator[bytes]


@dataclass(frozen=True)
class Comparison:
    document: Document
    old: DocumentVersion
    new: DocumentVersion
    ops: list[diff.DiffOp]


def visible_contract(session: Session, contract_id: int, actor: Actor) -> Contract:
    """Return a contract the actor may see, else 404 (never reveal that it exists)."""
    contract = session.scalars(
        select(Contract).where(Contract.id == contract_id, access.visible_contracts(actor.user))
    ).first()
    if contract is None:
        error = ContractNotFoundError(f"contract {contract_id} does not exist")
        if session.scalar(select(Contract.id).where(Contract.id == contract_id)) is not None:
            raise access.hidden(error, "contract", contract_id)
        raise error
    return contract


def _require_edit(actor: Actor, contract: Contract) -> None:
    """The actor may change this contract's documents, and they are not frozen."""
    if not access.may_edit(actor.user, contract):
        raise PermissionDeniedError(f"you may not change the documents of {contract.number}")
    freeze.require_open(contract)


def list_documents(
    session: Session, contract_id: int, actor: Actor, *, audit_read: bool = True
) -> list[Document]:
    """The documents of a contract, oldest first, each with its versions.

    Audited as one "document.list" entry unless the caller's page already audits its view.
    """
    visible_contract(session, contract_id, actor)
    documents = list(
        session.scalars(
            select(Document).where(Document.contract_id == contract_id).order_by(Document.id)
        )
    )
    if audit_read:
        audit.record_on_contract(
            session, "document.list", actor, contract_id, {"documents": [d.id for d in documents]}
        )
    return documents


def get_document(session: Session, document_id: int, actor: Actor) -> Document:
    """One document whose contract the actor may see."""
    document = session.scalars(
        select(Document)
        .join(Contract, Contract.id == Document.contract_id)
        .where(Document.id == document_id, access.visible_contracts(actor.user))
    ).first()
    if document is None:
        error = DocumentNotFoundError(f"document {document_id} does not exist")
        if session.scalar(select(Document.id).where(Document.id == document_id)) is not None:
            raise access.hidden(error, "document", document_id)
        raise error
    return document


def read_document(session: Session, document_id: int, actor: Actor) -> Document:
    """One document with its versions, as shown to the actor; audited as "document.view"."""
    document = get_document(session, document_id, actor)
    audit.record_as(session, "document.view", actor, object_type="document", object_id=document.id)
    return document


def get_version(session: Session, document_id: int, number: int, actor: Actor) -> DocumentVersion:
    document = get_document(session, document_id, actor)
    for version in document.versions:
        if version.number == number:
            return version
    raise DocumentNotFoundError(f"document {document_id} has no version {number}")


def upload_document(
    session: Session,
    contract_id: int,
    upload: Upload,
    actor: Actor,
    settings: DocumentSettings,
    *,
    title: str | None = None,
    note: str = "",
    kind: str = "contract",
) -> DocumentVersion:
    """Add a new document to a contract, as its version 1."""
    contract = visible_contract(session, contract_id, actor)
    _require_edit(actor, contract)
    name = (title or upload.filename or "").strip()[:MAX_TITLE]
    if not has_visible_character(name):
        raise ValidationError({"title": ["give a title or a file name with a visible character"]})
    ingest.check_declared_length(upload.declared_length, settings)
    stored = ingest.receive(upload, settings)
    document = Document(
        contract_id=contract.id, title=name, kind=kind[:40] or "contract", latest_number=0
    )
    session.add(document)
    return _add_version(session, document, stored, upload.filename, actor, settings, note=note)


def add_version(
    session: Session,
    document_id: int,
    upload: Upload,
    actor: Actor,
    settings: DocumentSettings,
    *,
    note: str = "",
) -> DocumentVersion:
    """Upload a new version of an existing document."""
    document = get_document(session, document_id, actor)
    _require_edit(actor, _contract_of(session, document))
    ingest.check_declared_length(upload.declared_length, settings)
    stored = ingest.receive(upload, settings)
    return _add_version(session, document, stored, upload.filename, actor, settings, note=note)


def restore_version(
    session: Session,
    document_id: int,
    number: int,
    actor: Actor,
    settings: DocumentSettings,
    *,
    note: str = "",
) -> DocumentVersion:
    """Make an old version the newest again, as a new version (history is never rewritten)."""
    old = get_version(session, document_id, number, actor)
    document = old.document
    _require_edit(actor, _contract_of(session, document))
    data_key_chunks = ingest.decrypted_chunks(old.storage_key, old.wrapped_key, settings)
    stored = _recrypt(old, data_key_chunks, settings)
    version = _add_version(
        session,
        document,
        stored,
        old.filename,
        actor,
        settings,
        note=note or f"restored from version {old.number}",
        source=VersionSource.RESTORE,
        restored_from=old.number,
    )
    return version


def copy_documents(
    session: Session,
    source: Contract,
    target: Contract,
    actor: Actor,
    settings: DocumentSettings,
) -> list[DocumentVersion]:
    """Copy the newest version of each of `source`'s documents to `target` as its version 1.

    For an amendment: each copy is stored under its own data key (a stored file belongs
    to one version), its hash checked on the way, and remembers the version it came from.
    """
    copies = []
    documents = session.scalars(
        select(Document).where(Document.contract_id == source.id).order_by(Document.id)
    )
    for document in list(documents):
        latest = document.latest
        if latest is None:
            continue
        chunks = ingest.decrypted_chunks(latest.storage_key, latest.wrapped_key, settings)
        stored = _recrypt(latest, chunks, settings)
        copy = Document(
            contract_id=target.id,
            title=document.title,
            kind=document.kind,
            latest_number=0,
            copy_of_version_id=latest.id,
        )
        session.add(copy)
        copies.append(
            _add_version(
                session,
                copy,
                stored,
                latest.filename,
                actor,
                settings,
                note=f"copied from {source.number} v{latest.number}",
                source=VersionSource.COPY,
            )
        )
    return copies


def open_download(
    session: Session, document_id: int, number: int, actor: Actor, settings: DocumentSettings
) -> Download:
    """Verify a version end to end, audit the download, and stream its plaintext."""
    version = get_version(session, document_id, number, actor)
    verify(version, settings)
    audit.record_as(
        session,
        "document.download",
        actor,
        object_type="document",
        object_id=document_id,
        details={"version": number, "sha256": version.sha256},
    )
    return Download(
        version, ingest.decrypted_chunks(version.storage_key, version.wrapped_key, settings)
    )


def verify(version: DocumentVersion, settings: DocumentSettings) -> None:
    """Decrypt a stored version and check its SHA-256, so a damaged file is never served."""
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in ingest.decrypted_chunks(version.storage_key, version.wrapped_key, settings):
            digest.update(chunk)
            size += len(chunk)
    except DocumentIntegrityError as exc:
        raise damaged(version, exc.message) from exc
    except FileNotFoundError as exc:
        raise damaged(version, "the stored file is missing") from exc
    if digest.hexdigest() != version.sha256 or size != version.size:
        raise damaged(version, "its content does not match the recorded SHA-256")


def damaged(version: DocumentVersion, reason: str) -> DocumentIntegrityError:
    """The error for a stored version that was altered or damaged on the server."""
    return DocumentIntegrityError(
        f"version {version.number} of this document is damaged in storage ({reason}), "
        "so it was not used. This is not a problem with your request and retrying will "
        "not help: administrators have been alerted to restore the file from a backup.",
        details={
            "document": version.document_id,
            "version": version.number,
            "sha256": version.sha256,
            "reason": reason,
        },
    )


def compare(session: Session, document_id: int, a: int, b: int, actor: Actor) -> Comparison:
    """Compare the extracted text of two versions of one document (audited: it shows text)."""
    old = get_version(session, document_id, a, actor)
    new = get_version(session, document_id, b, actor)
    ops = diff.diff_texts(old.extracted_text, new.extracted_text)
    audit.record_as(
        session,
        "document.compare",
        actor,
        object_type="document",
        object_id=document_id,
        details={"versions": [a, b]},
    )
    return Comparison(old.document, old, new, ops)


def _contract_of(session: Session, document: Document) -> Contract:
    contract = session.get(Contract, document.contract_id)
    assert contract is not None  # noqa: S101 - the foreign key guarantees it
    return contract


def _recrypt(
    old: DocumentVersion, chunks: Iterator[bytes], settings: DocumentSettings
) -> StoredFile:
    """Copy a stored version under a new data key, checking its hash on the way."""
    from contracts.documents import crypto

    digest = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for chunk in chunks:
            digest.update(chunk)
            yield chunk

    data_key = crypto.new_data_key()
    try:
        key, _ = settings.storage.put(crypto.encrypt_chunks(data_key, hashed()))
    except DocumentIntegrityError as exc:
        raise damaged(old, exc.message) from exc
    except FileNotFoundError as exc:
        raise damaged(old, "the stored file is missing") from exc
    if digest.hexdigest() != old.sha256:
        settings.storage.delete(key)
        raise damaged(old, "its content does not match the recorded SHA-256")
    return StoredFile(
        storage_key=key,
        wrapped_key=settings.keyring.wrap(data_key),
        sha256=old.sha256,
        size=old.size,
        mime_type=old.mime_type,
        text=old.extracted_text,
        page_count=old.page_count,
    )


def _next_number(session: Session, document: Document) -> int:
    """Allocate the document's next version number with one UPDATE ... RETURNING.

    Incrementing the loaded value in Python let parallel uploads take the same number
    and fail on the unique (document_id, number) constraint with a 500. The UPDATE
    locks the row (PostgreSQL) or the database (SQLite) until the upload commits, so
    concurrent uploads queue and each gets its own number.
    """
    if inspect(document).pending:  # a new document: no one else can see it yet
        document.latest_number += 1
        return document.latest_number
    table = table_of(Document)
    number: int = (
        session.connection()
        .execute(
            update(table)
            .where(table.c.id == document.id)
            .values(latest_number=table.c.latest_number + 1)
            .returning(table.c.latest_number)
        )
        .scalar_one()
    )
    set_committed_value(document, "latest_number", number)
    return number


def _add_version(
    session: Session,
    document: Document,
    stored: StoredFile,
    filename: str,
    actor: Actor,
    settings: DocumentSettings,
    *,
    note: str,
    source: VersionSource = VersionSource.UPLOAD,
    restored_from: int | None = None,
) -> DocumentVersion:
    # Past this use case the caller's commit may still fail: the file goes with a rollback.
    cleanup.delete_unless_committed(session, settings.storage, stored.storage_key)
    try:
        version = DocumentVersion(
            document=document,
            number=_next_number(session, document),
            created_by=actor.user,
            note=note[:2000],
            filename=(filename or "document")[:255],
            sha256=stored.sha256,
            size=stored.size,
            mime_type=stored.mime_type,
            storage_key=stored.storage_key,
            wrapped_key=stored.wrapped_key,
            extracted_text=stored.text,
            page_count=stored.page_count,
            source=source,
            restored_from=restored_from,
        )
        session.add(version)
        session.flush()
        action = {
            VersionSource.RESTORE: "document.restore",
            VersionSource.COPY: "document.copy",
        }.get(source, "document.upload")
        audit.record_as(
            session,
            action,
            actor,
            object_type="document",
            object_id=document.id,
            details={
                "contract_id": document.contract_id,
                "version": version.number,
                "sha256": stored.sha256,
                "size": stored.size,
                "restored_from": restored_from,
            },
        )
    except BaseException:
        settings.storage.delete(stored.storage_key)
        raise
    return version
