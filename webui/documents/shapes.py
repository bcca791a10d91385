"""API shapes of documents, versions, comparisons and draft bodies, and the serializers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from contracts.documents.diff import DiffOp, stats
from contracts.documents.models import Document as DocumentRow
from contracts.documents.models import DocumentVersion as VersionRow
from contracts.documents.models import DraftBody as DraftBodyRow
from webui.api.shapes import Omitted, Shape, Timestamp


class DocumentVersion(Shape):
    number: int | Omitted = None
    created_by: str | Omitted = None
    created_at: Timestamp | Omitted = None
    note: str | Omitted = None
    filename: str | Omitted = None
    sha256: str | Omitted = None
    size: int | Omitted = None
    mime_type: str | Omitted = None
    page_count: int | None = None
    source: Literal["upload", "restore", "rendition", "copy"] | Omitted = None
    restored_from: int | None = None
    download_url: str | Omitted = None


class Document(Shape):
    id: int | Omitted = None
    contract_id: int | Omitted = None
    title: str | Omitted = None
    kind: str | Omitted = None
    created_at: Timestamp | Omitted = None
    latest_version: int | None = None
    versions: list[DocumentVersion] | Omitted = None


class DocumentList(Shape):
    items: list[Document] | Omitted = None


class DocumentVersionList(Shape):
    items: list[DocumentVersion] | Omitted = None


class ComparisonOp(Shape):
    op: Literal["equal", "insert", "delete"] | Omitted = None
    text: str | Omitted = None


class Comparison(Shape):
    document_id: int | Omitted = None
    a: int | Omitted = None
    b: int | Omitted = None
    inserted: int | Omitted = None
    deleted: int | Omitted = None
    ops: list[ComparisonOp] | Omitted = None


class DraftBody(Shape):
    contract_id: int | Omitted = None
    text: str | Omitted = None
    version: int | None = None
    updated_at: Timestamp | None = None
    updated_by: str | None = None
    merged: bool | Omitted = None


class DraftBodyInput(Shape):
    text: str
    base_version: int | None = Field(
        None, description="the version the edit started from; null for the first body"
    )


def version_json(version: VersionRow) -> dict[str, Any]:
    """Serialize one stored version of a document."""
    return DocumentVersion.render(
        {
            "number": version.number,
            "created_by": version.created_by.username,
            "created_at": version.created_at.isoformat(),
            "note": version.note,
            "filename": version.filename,
            "sha256": version.sha256,
            "size": version.size,
            "mime_type": version.mime_type,
            "page_count": version.page_count,
            "source": str(version.source),
            "restored_from": version.restored_from,
            "download_url": (
                f"/api/v1/documents/{version.document_id}/versions/{version.number}/download"
            ),
        }
    )


def document_json(document: DocumentRow) -> dict[str, Any]:
    """Serialize a document with all its versions."""
    return Document.render(
        {
            "id": document.id,
            "contract_id": document.contract_id,
            "title": document.title,
            "kind": document.kind,
            "created_at": document.created_at.isoformat(),
            "latest_version": document.latest.number if document.latest else None,
            "versions": [version_json(v) for v in document.versions],
        }
    )


def comparison_json(document_id: int, a: int, b: int, ops: list[DiffOp]) -> dict[str, Any]:
    """Serialize the comparison of versions `a` and `b` of a document."""
    counted = stats(ops)
    return Comparison.render(
        {
            "document_id": document_id,
            "a": a,
            "b": b,
            "inserted": counted.inserted,
            "deleted": counted.deleted,
            "ops": [{"op": str(o.op), "text": o.text} for o in ops],
        }
    )


def body_json(
    contract_id: int, body: DraftBodyRow | None, *, merged: bool = False
) -> dict[str, Any]:
    """Serialize a contract's draft body (empty before the first save)."""
    return DraftBody.render(
        {
            "contract_id": contract_id,
            "text": body.text if body else "",
            "version": body.version if body else None,
            "updated_at": body.updated_at.isoformat() if body else None,
            "updated_by": body.updated_by.username if body else None,
            "merged": merged,
        }
    )
