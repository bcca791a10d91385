"""API shapes of contracts, their list, timeline and expiry list, and the serializers."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from contracts.core.facts import contract_facts, iso, money_cents
from contracts.core.models import Contract as ContractRow
from contracts.core.models import ContractStatus
from contracts.lifecycle.calendar import ExpiringContract as ExpiringRow
from engine.models import InstanceEvent
from webui.api.shapes import Day, Money, Omitted, Shape, Timestamp


class ContractInput(Shape):
    title: str | Omitted = None
    contract_type: str | Omitted = Field(
        None, description="purchase, sales, service, nda or an admin-defined type"
    )
    amount: str | float | Omitted = Field(None, description='decimal, e.g. "2000000.00"')
    currency: str | Omitted = Field(None, description="ISO 4217, default CNY")
    department: str | Omitted = Field(None, description="department code")
    counterparty: str | Omitted = None
    effective_date: Day | None = None
    expiry_date: Day | None = None
    auto_renew: bool | Omitted = None
    notice_days: int | Omitted = Field(None, ge=0)
    tags: list[str] | Omitted = None
    custom_fields: dict[str, Any] | Omitted = None
    description: str | Omitted = None
    edit_version: int | Omitted = Field(
        None, ge=1, description="PATCH only: the edit_version read; 409 if saved since"
    )


class Contract(Shape):
    id: int
    number: str = Field(examples=["HT-2026-000123"])
    external_reference: str | None = Field(
        None, description="the number it had in another system (e.g. imported)"
    )
    title: str
    contract_type: str
    status: ContractStatus
    amount: Money
    currency: str
    amount_cny: Money
    department: str
    counterparty: str | None
    effective_date: Day | None = None
    expiry_date: Day | None = None
    auto_renew: bool | Omitted = None
    notice_days: int | Omitted = None
    tags: list[str] | Omitted = None
    custom_fields: dict[str, Any] | Omitted = None
    description: str | Omitted = None
    owner: str
    created_at: Timestamp
    edit_version: int = Field(
        description="changes on every save; send it back (or If-Match) on PATCH"
    )
    updated_at: Timestamp
    process_instance_id: int | None = None
    renewal_term: str | Omitted = Field(None, description="ISO 8601 duration, default P1Y")
    renewal_of_id: int | None = None
    amends_id: int | None = Field(None, description="the approved contract this amendment changes")


class ContractPage(Shape):
    items: list[Contract]
    total: int
    page: int
    per_page: int


class TimelineEvent(Shape):
    at: Timestamp
    actor: str | None
    action: str
    task: str | None
    decision: str | None
    comment: str | None
    details: dict[str, Any] | None = None


class Timeline(Shape):
    items: list[TimelineEvent]


class ExpiringContract(Contract):
    notice_date: Day | None
    days_left: int


class ExpiringList(Shape):
    items: list[ExpiringContract]
    total: int


def contract_json(contract: ContractRow) -> dict[str, Any]:
    """Serialize a contract for the API (money with two decimals)."""
    read = contract_facts(contract)
    return Contract.render(
        {
            "id": read.id,
            "number": read.number,
            "external_reference": read.external_reference,
            "title": read.title,
            "contract_type": read.contract_type,
            "status": read.status,
            "amount": money_cents(read.amount),
            "currency": read.currency,
            "amount_cny": money_cents(read.amount_cny),
            "department": read.department,
            "counterparty": read.counterparty,
            "effective_date": iso(read.effective_date),
            "expiry_date": iso(read.expiry_date),
            "auto_renew": read.auto_renew,
            "notice_days": read.notice_days,
            "tags": read.tags,
            "custom_fields": read.custom_fields,
            "description": read.description,
            "owner": read.owner,
            "created_at": iso(read.created_at),
            "updated_at": iso(read.updated_at),
            "process_instance_id": read.process_instance_id,
            "renewal_term": read.renewal_term,
            "renewal_of_id": read.renewal_of_id,
            "amends_id": read.amends_id,
            "edit_version": read.edit_version,
        }
    )


def expiring_json(row: ExpiringRow) -> dict[str, Any]:
    """Serialize a contract of the expiring-soon list."""
    return ExpiringContract.render(
        {
            **contract_json(row.contract),
            "notice_date": iso(row.notice_date),
            "days_left": row.days_left,
        }
    )


def event_json(event: InstanceEvent) -> dict[str, Any]:
    """Serialize one timeline event."""
    return TimelineEvent.render(
        {
            "at": iso(event.at),
            "actor": event.actor,
            "action": event.action,
            "task": event.task_name,
            "decision": event.decision,
            "comment": event.comment,
            "details": event.details,
        }
    )
