"""OpenAPI components of the template and contract-type endpoints (merged into COMPONENTS)."""

from __future__ import annotations

from typing import Any

_STR = {"type": "string"}
_OBJ = {"type": "object"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


TEMPLATE_COMPONENTS: dict[str, Any] = {
    "TemplateVersion": {
        "type": "object",
        "required": ["id", "number", "note", "created_by", "created_at", "fields_schema"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "integer"},
            "note": _STR,
            "created_by": _STR,
            "created_at": {"type": "string", "format": "date-time"},
            "fields_schema": _OBJ,
            "body": _STR,
        },
    },
    "Template": {
        "type": "object",
        "required": [
            "code",
            "name",
            "contract_type",
            "language",
            "current_version",
            "fields_schema",
        ],
        "properties": {
            "code": _STR,
            "name": _STR,
            "contract_type": _STR,
            "language": {"type": "string", "enum": ["zh", "en"]},
            "current_version": {"type": "integer"},
            "fields_schema": {**_OBJ, "description": "JSON Schema of the template's fields"},
            "body": {**_STR, "description": "sandboxed Jinja2 text with placeholders"},
            "versions": {"type": "array", "items": _ref("TemplateVersion")},
        },
    },
    "TemplateList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("Template")}},
    },
    "TemplateInput": {
        "type": "object",
        "required": ["fields_schema", "body"],
        "properties": {
            "code": {**_STR, "description": "on create only"},
            "name": _STR,
            "contract_type": {**_STR, "description": "on create only"},
            "language": {"type": "string", "enum": ["zh", "en"], "description": "on create only"},
            "fields_schema": _OBJ,
            "body": _STR,
            "note": _STR,
        },
    },
    "TemplateDraftRequest": {
        "type": "object",
        "properties": {
            "fields": {**_OBJ, "description": "validated against the template's fields schema"},
            "contract": {
                **_OBJ,
                "description": "contract input (department, tags, …); overrides what the "
                "fields fill (title, amount, currency, counterparty, dates)",
            },
        },
    },
    "DraftedContract": {
        "type": "object",
        "required": ["contract", "template", "text", "downloads"],
        "properties": {
            "contract": _ref("Contract"),
            "template": {
                "type": "object",
                "properties": {"code": _STR, "version": {"type": "integer"}},
            },
            "text": _STR,
            "downloads": {"type": "object", "properties": {"docx": _STR, "pdf": _STR}},
            "documents": {
                "type": "array",
                "description": "the stored DOCX and PDF renditions",
                "items": {
                    "type": "object",
                    "properties": {
                        "document_id": {"type": "integer"},
                        "version": {"type": "integer"},
                    },
                },
            },
        },
    },
    "ContractType": {
        "type": "object",
        "required": ["code", "name", "custom_fields_schema"],
        "properties": {
            "code": _STR,
            "name": _STR,
            "custom_fields_schema": {"type": ["object", "null"]},
        },
    },
    "ContractTypeList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("ContractType")}},
    },
    "ContractTypeInput": {
        "type": "object",
        "properties": {
            "code": {**_STR, "description": "on create only"},
            "name": _STR,
            "custom_fields_schema": {
                "type": ["object", "null"],
                "description": 'a JSON Schema with "type": "object"; properties of type '
                "string, number, integer or boolean",
            },
        },
    },
}
