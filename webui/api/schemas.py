"""JSON shapes of the API: JSON Schema for OpenAPI, and the functions that produce them."""

from __future__ import annotations

from typing import Any

from contracts.core.models import Contract
from contracts.inbox.queries import TaskView
from contracts.lifecycle.calendar import ExpiringContract
from engine.models import InstanceEvent

_STR = {"type": "string"}
_NULL_STR = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date"}
_TS = {"type": "string", "format": "date-time"}
_MONEY = {"type": "string", "pattern": r"^\d+\.\d{2}$", "examples": ["2000000.00"]}
STATUSES = [
    "draft",
    "in_review",
    "approved",
    "rejected",
    "out_for_signature",
    "active",
    "expiring",
    "expired",
    "renewed",
    "terminated",
    "cancelled",
]

COMPONENTS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {"code": _STR, "message": _STR, "details": {}},
            }
        },
    },
    "TokenRequest": {
        "type": "object",
        "required": ["username", "password"],
        "properties": {"username": _STR, "password": _STR},
    },
    "Token": {
        "type": "object",
        "required": ["token", "expires_at"],
        "properties": {"token": _STR, "expires_at": _TS},
    },
    "ContractInput": {
        "type": "object",
        "properties": {
            "title": _STR,
            "contract_type": {
                **_STR,
                "description": "purchase, sales, service, nda or an admin-defined type",
            },
            "amount": {"type": ["string", "number"], "description": 'decimal, e.g. "2000000.00"'},
            "currency": {**_STR, "description": "ISO 4217, default CNY"},
            "department": {**_STR, "description": "department code"},
            "counterparty": _STR,
            "effective_date": _DATE,
            "expiry_date": _DATE,
            "auto_renew": {"type": "boolean"},
            "notice_days": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": _STR},
            "custom_fields": {"type": "object"},
            "description": _STR,
            "edit_version": {
                "type": "integer",
                "minimum": 1,
                "description": "PATCH only: the edit_version read; 409 if saved since",
            },
        },
    },
    "Contract": {
        "type": "object",
        "required": [
            "id",
            "number",
            "title",
            "contract_type",
            "status",
            "amount",
            "currency",
            "amount_cny",
            "department",
            "counterparty",
            "owner",
            "created_at",
            "updated_at",
            "edit_version",
        ],
        "properties": {
            "id": {"type": "integer"},
            "number": {**_STR, "examples": ["HT-2026-000123"]},
            "external_reference": {
                **_NULL_STR,
                "description": "the number it had in another system (e.g. imported)",
            },
            "title": _STR,
            "contract_type": _STR,
            "status": {"type": "string", "enum": STATUSES},
            "amount": _MONEY,
            "currency": _STR,
            "amount_cny": _MONEY,
            "department": _STR,
            "counterparty": _NULL_STR,
            "effective_date": _DATE,
            "expiry_date": _DATE,
            "auto_renew": {"type": "boolean"},
            "notice_days": {"type": "integer"},
            "tags": {"type": "array", "items": _STR},
            "custom_fields": {"type": "object"},
            "description": _STR,
            "owner": _STR,
            "created_at": _TS,
            "edit_version": {
                "type": "integer",
                "description": "changes on every save; send it back (or If-Match) on PATCH",
            },
            "updated_at": _TS,
            "process_instance_id": {"type": ["integer", "null"]},
            "renewal_term": {**_STR, "description": "ISO 8601 duration, default P1Y"},
            "renewal_of_id": {"type": ["integer", "null"]},
            "amends_id": {
                "type": ["integer", "null"],
                "description": "the approved contract this amendment changes",
            },
        },
    },
    "ContractPage": {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Contract"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "TimelineEvent": {
        "type": "object",
        "required": ["at", "actor", "action", "task", "decision", "comment"],
        "properties": {
            "at": _TS,
            "actor": _NULL_STR,
            "action": _STR,
            "task": _NULL_STR,
            "decision": _NULL_STR,
            "comment": _NULL_STR,
            "details": {"type": ["object", "null"]},
        },
    },
    "Timeline": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/TimelineEvent"}}
        },
    },
    "Task": {
        "type": "object",
        "required": [
            "id",
            "name",
            "bpmn_id",
            "process_instance_id",
            "contract_id",
            "candidate_groups",
            "assignee",
            "created_at",
            "due_at",
            "form",
        ],
        "properties": {
            "id": {"type": "integer"},
            "name": _STR,
            "bpmn_id": _STR,
            "status": _STR,
            "process_instance_id": {"type": "integer"},
            "contract_id": {"type": ["integer", "null"]},
            "contract_number": _NULL_STR,
            "candidate_groups": {"type": "array", "items": _STR},
            "candidate_users": {"type": "array", "items": _STR},
            "assignee": _NULL_STR,
            "created_at": _TS,
            "due_at": {"type": ["string", "null"], "format": "date-time"},
            "overdue": {"type": "boolean"},
            "form": {
                "description": "the form's schema file name, "
                "or (single task) the JSON Schema itself"
            },
            "ui_schema": {"type": "object"},
            "contract": {"$ref": "#/components/schemas/Contract"},
        },
    },
    "TaskPage": {
        "type": "object",
        "required": ["items", "total"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "TaskCompletion": {
        "type": "object",
        "required": ["data"],
        "properties": {
            "data": {"type": "object", "description": "validated against the task's form"}
        },
    },
    "TaskCounts": {
        "type": "object",
        "properties": {
            scope: {"type": "integer"} for scope in ("mine", "groups", "completed", "started")
        },
    },
    "TaskDelegation": {
        "type": "object",
        "required": ["to"],
        "properties": {
            "to": {"type": "string", "description": "user name of a candidate of the task"},
            "note": {"type": "string", "maxLength": 4000},
        },
    },
    "TaskComment": {
        "type": "object",
        "required": ["comment"],
        "properties": {"comment": {"type": "string", "minLength": 1, "maxLength": 4000}},
    },
    "TaskCompleted": {
        "type": "object",
        "required": ["task", "contract"],
        "properties": {
            "task": {"$ref": "#/components/schemas/Task"},
            "contract": {"anyOf": [{"$ref": "#/components/schemas/Contract"}, {"type": "null"}]},
        },
    },
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def contract_json(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.id,
        "number": contract.number,
        "external_reference": contract.external_ref,
        "title": contract.title,
        "contract_type": contract.contract_type.code,
        "status": str(contract.status),
        "amount": f"{contract.amount:.2f}",
        "currency": contract.currency,
        "amount_cny": f"{contract.amount_cny:.2f}",
        "department": contract.department.code,
        "counterparty": contract.counterparty.name if contract.counterparty else None,
        "effective_date": _iso(contract.effective_date),
        "expiry_date": _iso(contract.expiry_date),
        "auto_renew": contract.auto_renew,
        "notice_days": contract.notice_days,
        "tags": contract.tags,
        "custom_fields": contract.custom_fields or {},
        "description": contract.description or "",
        "owner": contract.owner.username,
        "created_at": _iso(contract.created_at),
        "updated_at": _iso(contract.updated_at),
        "process_instance_id": contract.process_instance_id,
        "renewal_term": contract.renewal_term,
        "renewal_of_id": contract.renewal_of_id,
        "amends_id": contract.amends_id,
        "edit_version": contract.edit_version,
    }


def expiring_json(row: ExpiringContract) -> dict[str, Any]:
    return {
        **contract_json(row.contract),
        "notice_date": _iso(row.notice_date),
        "days_left": row.days_left,
    }


def task_json(view: TaskView, *, now: Any = None) -> dict[str, Any]:
    task = view.task
    return {
        "id": task.id,
        "name": task.name,
        "bpmn_id": task.bpmn_id,
        "status": str(task.status),
        "process_instance_id": task.instance_id,
        "contract_id": view.contract.id if view.contract else None,
        "contract_number": view.contract.number if view.contract else None,
        "candidate_groups": task.candidate_groups,
        "candidate_users": task.candidate_users,
        "assignee": task.assignee,
        "created_at": _iso(task.created_at),
        "due_at": _iso(task.due_at),
        "overdue": bool(now and task.due_at and task.due_at < now),
        "form": task.form_schema or "approval.schema.json",
    }


def event_json(event: InstanceEvent) -> dict[str, Any]:
    return {
        "at": _iso(event.at),
        "actor": event.actor,
        "action": event.action,
        "task": event.task_name,
        "decision": event.decision,
        "comment": event.comment,
        "details": event.details,
    }


# Contract lifecycle (issue 5): activation, term changes, expiring soon.
COMPONENTS.update(
    {
        "ExpiringContract": {
            "allOf": [
                {"$ref": "#/components/schemas/Contract"},
                {
                    "type": "object",
                    "required": ["notice_date", "days_left"],
                    "properties": {"notice_date": _DATE, "days_left": {"type": "integer"}},
                },
            ]
        },
        "ExpiringList": {
            "type": "object",
            "required": ["items", "total"],
            "properties": {
                "items": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/ExpiringContract"},
                },
                "total": {"type": "integer"},
            },
        },
    }
)


_OBJ = {"type": "object"}
_INT = {"type": "integer"}


def _list_of(ref: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}


# Process administration (issue 4): definitions, versions, instances, import, routing.
COMPONENTS.update(
    {
        "ProcessVersion": {
            "type": "object",
            "required": ["id", "key", "name", "version", "deployed_at", "deployed_by", "note"],
            "properties": {
                "id": _INT,
                "key": _STR,
                "name": _STR,
                "version": _INT,
                "checksum": _STR,
                "deployed_at": _TS,
                "deployed_by": _NULL_STR,
                "note": _STR,
                "file_names": {"type": "array", "items": _STR},
                "files": {"type": "object", "description": "file name -> XML (single version)"},
                "versions": {"type": "integer", "description": "number of versions (list)"},
            },
        },
        "ProcessVersionList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": _list_of("ProcessVersion")},
        },
        "Bundle": {
            "type": "object",
            "required": ["files"],
            "properties": {
                "files": {
                    "type": "object",
                    "additionalProperties": _STR,
                    "description": "file name (.bpmn/.dmn) -> XML text",
                },
                "note": _STR,
            },
        },
        "Problem": {
            "type": "object",
            "required": ["element_id", "message"],
            "properties": {
                "file": _NULL_STR,
                "element_id": _NULL_STR,
                "element_name": _NULL_STR,
                "element_type": _NULL_STR,
                "line": {"type": ["integer", "null"]},
                "message": _STR,
                "rule": _STR,
                "severity": {"type": "string", "enum": ["error", "warning"]},
            },
        },
        "Validation": {
            "type": "object",
            "required": ["valid", "problems"],
            "properties": {"valid": {"type": "boolean"}, "problems": _list_of("Problem")},
        },
        "Deployed": {
            "type": "object",
            "required": ["deployed"],
            "properties": {"deployed": _list_of("ProcessVersion")},
        },
        "RedeployRequest": {"type": "object", "properties": {"note": _STR}},
        "ElementChange": {
            "type": "object",
            "required": ["element_id", "element_type", "element_name", "file", "aspects"],
            "properties": {
                "element_id": _STR,
                "element_type": _STR,
                "element_name": _NULL_STR,
                "file": _STR,
                "aspects": {"type": "array", "items": _STR},
            },
        },
        "VersionComparison": {
            "type": "object",
            "required": ["key", "from", "to", "added", "removed", "changed"],
            "properties": {
                "key": _STR,
                "from": _INT,
                "to": _INT,
                "added": _list_of("ElementChange"),
                "removed": _list_of("ElementChange"),
                "changed": _list_of("ElementChange"),
            },
        },
        "TaskTiming": {
            "type": "object",
            "required": ["bpmn_id", "name", "count", "median_seconds", "p90_seconds"],
            "properties": {
                "bpmn_id": _STR,
                "name": _STR,
                "count": _INT,
                "median_seconds": {"type": "number"},
                "p90_seconds": {"type": "number"},
            },
        },
        "Heatmap": {
            "type": "object",
            "required": ["key", "items"],
            "properties": {
                "key": _STR,
                "since": {"type": ["string", "null"]},
                "until": {"type": ["string", "null"]},
                "items": _list_of("TaskTiming"),
            },
        },
        "MissingItem": {
            "type": "object",
            "required": ["element_id", "element_name", "element_type", "what_to_add"],
            "properties": {
                "element_id": _NULL_STR,
                "element_name": _NULL_STR,
                "element_type": _STR,
                "line": {"type": ["integer", "null"]},
                "what_to_add": _STR,
            },
        },
        "ImportResult": {
            "type": "object",
            "required": ["filename", "status", "deployed", "missing"],
            "properties": {
                "filename": _STR,
                "status": {"type": "string", "enum": ["deployed", "incomplete"]},
                "deployed": _list_of("ProcessVersion"),
                "missing": _list_of("MissingItem"),
            },
        },
        "RoutingSimulationRequest": {
            "type": "object",
            "properties": {
                "contract_type": _STR,
                "amount": {"type": ["string", "number"]},
                "currency": _STR,
                "department": _STR,
                "contract_id": {
                    "type": "integer",
                    "description": "take type, amount, currency, department from this contract",
                },
                "dmn": {
                    "type": "string",
                    "description": "a draft DMN (XML) instead of the deployed",
                },
            },
        },
        "RoutingSimulation": {
            "type": "object",
            "required": ["amount_cny", "source", "approvers"],
            "properties": {
                "amount_cny": _MONEY,
                "source": _STR,
                "approvers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"role": _STR, "group": _STR},
                    },
                },
            },
        },
        "AdminInstance": {
            "type": "object",
            "required": ["id", "key", "version", "status", "business_key", "started_at"],
            "properties": {
                "id": _INT,
                "key": _STR,
                "version": _INT,
                "definition_id": _INT,
                "status": {
                    "type": "string",
                    "enum": ["running", "completed", "suspended", "terminated", "error"],
                },
                "business_key": _NULL_STR,
                "started_by": _NULL_STR,
                "started_at": _TS,
                "updated_at": _TS,
                "completed_at": {"type": ["string", "null"]},
                "next_timer_at": {"type": ["string", "null"]},
                "error": _NULL_STR,
                "elements": {
                    "type": "object",
                    "properties": {
                        "completed": {"type": "array", "items": _STR},
                        "active": {"type": "array", "items": _STR},
                        "waiting": {"type": "array", "items": _STR},
                    },
                },
                "history": _list_of("TimelineEvent"),
                "data": _OBJ,
                "retry": {"type": "object", "description": "retry only: succeeded, error"},
            },
        },
        "AdminInstancePage": {
            "type": "object",
            "required": ["items", "total", "page", "per_page"],
            "properties": {
                "items": _list_of("AdminInstance"),
                "total": _INT,
                "page": _INT,
                "per_page": _INT,
            },
        },
        "InstanceAction": {"type": "object", "properties": {"comment": _STR}},
        "RoutingCase": {
            "type": "object",
            "required": ["name", "inputs", "expected"],
            "properties": {
                "id": _INT,
                "name": _STR,
                "inputs": {"$ref": "#/components/schemas/RoutingSimulationRequest"},
                "expected": {"type": "array", "items": _STR, "description": "roles, in order"},
                "created_by": _NULL_STR,
                "created_at": _TS,
            },
        },
        "RoutingCaseList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": _list_of("RoutingCase")},
        },
        "SpecChange": {
            "type": "object",
            "properties": {
                "bpmn_id": _STR,
                "name": _STR,
                "aspects": {"type": "array", "items": _STR},
            },
        },
        "MigrationReport": {
            "type": "object",
            "required": ["instance_id", "from_version", "to_version", "safe", "reasons"],
            "properties": {
                "instance_id": _INT,
                "from_version": _INT,
                "to_version": {"type": ["integer", "null"]},
                "safe": {"type": "boolean"},
                "reasons": {"type": "array", "items": _STR},
                "changed": _list_of("SpecChange"),
                "added": _list_of("SpecChange"),
                "removed": _list_of("SpecChange"),
            },
        },
    }
)
