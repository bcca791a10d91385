"""The connectors ContractFlow ships: their operations, default field mappings, events.

A field mapping says, for each field the other system expects, where its value
comes from: a dotted path into the task data (`contract.number`,
`contract.counterparty`) or, after `=`, a literal (`=CNY`). Admins replace a
mapping per connector and operation; what is not replaced stays as shipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OperationSpec:
    """One outbound call: which connector, HTTP method and path, and what it sends."""

    name: str
    connector: str
    method: str
    path: str
    description: str
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventSpec:
    """An inbound event type: the BPMN message it becomes and its JSON Schema file."""

    connector: str
    event_type: str
    schema_file: str

    @property
    def message_name(self) -> str:
        return self.event_type


CONNECTORS: dict[str, str] = {
    "erp": "ERP (purchase orders)",
    "finance": "Finance (commitments and payments)",
    "crm": "CRM (customer contracts)",
    "http": "Generic HTTP",
}

OPERATIONS: dict[str, OperationSpec] = {
    spec.name: spec
    for spec in (
        OperationSpec(
            "erp/CreatePurchaseOrder",
            "erp",
            "POST",
            "/purchase-orders",
            "Create a purchase order from an approved purchase contract",
            {
                "contract_number": "contract.number",
                "title": "contract.title",
                "supplier": "contract.counterparty",
                "amount": "contract.amount",
                "currency": "contract.currency",
                "department": "contract.department",
                "requested_by": "contract.owner",
                "effective_date": "contract.effective_date",
                "expiry_date": "contract.expiry_date",
            },
        ),
        OperationSpec(
            "finance/RecordCommitment",
            "finance",
            "POST",
            "/commitments",
            "Record the contract's commitment: amount, currency, payment schedule, cost centre",
            {
                "contract_number": "contract.number",
                "amount": "contract.amount",
                "currency": "contract.currency",
                "cost_centre": "cost_centre",
                "payment_schedule": "payment_schedule",
                "counterparty": "contract.counterparty",
            },
        ),
        OperationSpec(
            "crm/UpdateAccountContract",
            "crm",
            "POST",
            "/account-contracts",
            "Tell the CRM about the customer's contract",
            {
                "account_name": "contract.counterparty",
                "contract_number": "contract.number",
                "title": "contract.title",
                "status": "contract.status",
                "amount": "contract.amount",
                "currency": "contract.currency",
                "start_date": "contract.effective_date",
                "end_date": "contract.expiry_date",
                "owner": "contract.owner",
            },
        ),
    )
}

HTTP_OPERATIONS = ("http/GetRequest", "http/PostRequest")

EVENTS: dict[tuple[str, str], EventSpec] = {
    (spec.connector, spec.event_type): spec
    for spec in (
        EventSpec("erp", "purchase_order.created", "purchase_order.created.schema.json"),
        EventSpec("finance", "payment.received", "payment.received.schema.json"),
        EventSpec("crm", "account.updated", "account.updated.schema.json"),
    )
}


def default_mapping(operation: str) -> dict[str, str]:
    """Return the shipped mapping of an operation (empty for the generic HTTP ones)."""
    spec = OPERATIONS.get(operation)
    return dict(spec.mapping) if spec else {}


def operations_of(connector: str) -> list[OperationSpec]:
    return [spec for spec in OPERATIONS.values() if spec.connector == connector]


def events_of(connector: str) -> list[EventSpec]:
    return [spec for spec in EVENTS.values() if spec.connector == connector]
