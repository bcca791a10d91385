"""JSON shapes of documents, versions, comparisons and draft bodies."""

from __future__ import annotations

from typing import Any

from contracts.documents.diff import DiffOp, stats
from contracts.documents.models import Document, DocumentVersion, DraftBody

_STR = {"type": "string"}
_INT = {"type": "integer"}
_TS = {"type": "string", "format": "date-time"}

DOCUMENT_COMPONENTS: dict[str, Any] = {
    "DocumentVersion": {
        "type": "object",
        "properties": {
            "number": _INT,
            "created_by": _STR,
            "created_at": _TS,
            "note": _STR,
            "filename": _STR,
            "sha256": _STR,
            "size": _INT,
            "mime_type": _STR,
            "page_count": {"type": ["integer", "null"]},
            "source": {"type": "string", "enum": ["upload", "restore", "rendition", "copy"]},
            "restored_from": {"type": ["integer", "null"]},
            "download_url": _STR,
        },
    },
    "Document": {
        "type": "object",
        "properties": {
            "id": _INT,
            "contract_id": _INT,
            "title": _STR,
            "kind": _STR,
            "created_at": _TS,
            "latest_version": {"type": ["integer", "null"]},
            "versions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/DocumentVersion"},
            },
        },
    },
    "DocumentList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}
        },
    },
    "DocumentVersionList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentVersion"}}
        },
    },
    "Comparison": {
        "type": "object",
        "properties": {
            "document_id": _INT,
            "a": _INT,
            "b": _INT,
            "inserted": _INT,
            "deleted": _INT,
            "ops": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "op": {"type": "string", "enum": ["equal", "insert", "delete"]},
                        "text": _STR,
                    },
                },
            },
        },
    },
    "DraftBody": {
        "type": "object",
        "properties": {
            "contract_id": _INT,
            "text": _STR,
            "version": {"type": ["integer", "null"]},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
            "updated_by": {"type": ["string", "null"]},
            "merged": {"type": "boolean"},
        },
    },
    "DraftBodyInput": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": _STR,
            "base_version": {
                "type": ["integer", "null"],
                "description": "the version the edit started from; null for the first body",
            },
        },
    },
}


def version_json(version: DocumentVersion) -> dict[str, Any]:
    return {
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


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "contract_id": document.contract_id,
        "title": document.title,
        "kind": document.kind,
        "created_at": document.created_at.isoformat(),
        "latest_version": document.latest.number if document.latest else None,
        "versions": [version_json(v) for v in document.versions],
    }


def comparison_json(document_id: int, a: int, b: int, ops: list[DiffOp]) -> dict[str, Any]:
    counted = stats(ops)
    return {
        "document_id": document_id,
        "a": a,
        "b": b,
        "inserted": counted.inserted,
        "deleted": counted.deleted,
        "ops": [{"op": str(o.op), "text": o.text} for o in ops],
    }


def body_json(contract_id: int, body: DraftBody | None, *, merged: bool = False) -> dict[str, Any]:
    return {
        "contract_id": contract_id,
        "text": body.text if body else "",
        "version": body.version if body else None,
        "updated_at": body.updated_at.isoformat() if body else None,
        "updated_by": body.updated_by.username if body else None,
        "merged": merged,
    }
