"""Which approvers would a contract get? Evaluate the routing decision without starting anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from contracts.errors import ValidationError
from contracts.money import to_cny
from engine import decisions
from engine.definitions import latest_definition

ROUTING_DECISION = "approval_routing"
APPROVAL_PROCESS = "contract_approval"


@dataclass
class Approver:
    role: str
    group: str


@dataclass
class RoutingSimulation:
    amount_cny: Decimal
    source: str  # "deployed vN" or "draft"
    approvers: list[Approver] = field(default_factory=list)


def group_for(role: str, department: str) -> str:
    """Return the candidate group of an approver role (dept_manager is per department)."""
    return f"dept_manager:{department}" if role == "dept_manager" else role


def simulate(
    session: Session,
    *,
    contract_type: str,
    amount: Decimal,
    currency: str,
    department: str,
    draft_dmn: str | None = None,
) -> RoutingSimulation:
    """Evaluate approval_routing (deployed, or a draft DMN) for one contract's facts."""
    amount_cny = to_cny(session, amount, currency)
    if draft_dmn is not None:
        files: dict[str, Any] = {"draft.dmn": draft_dmn}
        source = "draft"
    else:
        definition = latest_definition(session, APPROVAL_PROCESS)
        assert definition is not None
        files = {n: t for n, t in definition.files.items() if n.endswith(".dmn")}
        source = f"deployed v{definition.version}"
    outputs = decisions.evaluate(
        files,
        ROUTING_DECISION,
        {"contract_type": contract_type, "department": department, "amount_cny": float(amount_cny)},
    )
    roles = outputs.get("approvers")
    if roles is None:
        raise ValidationError({"contract": ["no routing rule matches these values"]})
    if isinstance(roles, str):
        roles = [roles]
    approvers = [Approver(str(r), group_for(str(r), department)) for r in roles]
    return RoutingSimulation(amount_cny, source, approvers)
