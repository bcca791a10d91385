"""Start the integration processes at the right moment of a contract's life.

- `purchase_fulfilment` starts when a purchase contract's approval process
  ends with the contract `approved` (a step hook on completed instances).
- `sales_activation` starts when a sales contract becomes active: call
  `start_sales_activation(session, contract_id, env)` from the use case that
  activates it.

Each starts only when its connectors are enabled, so an installation without
an ERP (or CRM and finance) simply has no follow-up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from connectors import contract_facts, settings
from connectors.environment import ConnectorEnvironment
from contracts.core.models import Contract, ContractStatus
from contracts.identity.actor import Actor
from engine import runtime
from engine.definitions import latest_definition
from engine.environment import EngineEnvironment
from engine.models import ProcessInstance

APPROVAL_PROCESS = "contract_approval"
PURCHASE_PROCESS = "purchase_fulfilment"
SALES_PROCESS = "sales_activation"


def after_instance_completed(
    session: Session, instance: ProcessInstance, *, env: ConnectorEnvironment
) -> None:
    """Step hook: an approved purchase contract gets its purchase order process."""
    if instance.definition.key != APPROVAL_PROCESS:
        return
    contract = contract_facts.contract_by_number(session, instance.business_key)
    if contract is None or contract.status != ContractStatus.APPROVED:
        return
    if contract.contract_type.code == "purchase":
        start_purchase_fulfilment(session, contract, env, actor=instance.started_by)


def start_purchase_fulfilment(
    session: Session, contract: Contract, env: ConnectorEnvironment, *, actor: str | None = None
) -> ProcessInstance | None:
    """Ask the ERP for a purchase order and wait for it (None when the ERP is not enabled)."""
    if not settings.is_enabled(session, "erp"):
        return None
    data = {"contract_id": contract.id, "po_reminder_period": env.po_reminder_period}
    return _start(session, PURCHASE_PROCESS, contract, data, actor, env.engine)


def start_sales_activation(
    session: Session,
    contract_id: int,
    env: EngineEnvironment,
    *,
    actor: str | None = None,
    payment_schedule: list[dict[str, Any]] | None = None,
    cost_centre: str | None = None,
) -> ProcessInstance | None:
    """Tell the CRM and finance about an active sales contract (None when they are disabled).

    The payment schedule defaults to one payment of the whole amount on the
    effective date; the cost centre defaults to the contract's department.
    """
    contract = session.get(Contract, contract_id)
    if contract is None or contract.contract_type.code != "sales":
        return None
    if not (settings.is_enabled(session, "crm") and settings.is_enabled(session, "finance")):
        return None
    schedule = payment_schedule or [
        {
            "due_date": contract.effective_date.isoformat() if contract.effective_date else None,
            "amount": str(contract.amount),
        }
    ]
    data = {
        "contract_id": contract.id,
        "payment_schedule": schedule,
        "cost_centre": cost_centre or contract.department.code,
    }
    return _start(session, SALES_PROCESS, contract, data, actor, env)


def _start(
    session: Session,
    key: str,
    contract: Contract,
    data: dict[str, Any],
    actor: str | None,
    env: EngineEnvironment,
) -> ProcessInstance | None:
    if latest_definition(session, key) is None:
        return None
    return runtime.start_instance(
        session, key, business_key=contract.number, data=data, actor=actor, env=env
    )


def after_activation(
    session: Session, contract: Contract, actor: Actor, *, env: ConnectorEnvironment
) -> None:
    """An active sales contract goes to the CRM and finance (when they are enabled)."""
    if contract.contract_type.code == "sales":
        start_sales_activation(session, contract.id, env.engine, actor=actor.username)
