"""Which approvers would a contract get? Evaluate the routing decision without starting anything.

Saved cases (sample facts and the approver roles they must get) form a test
table that every bundle defining the routing decision must pass before deploy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.approval.models import RoutingCase
from contracts.core.models import Contract
from contracts.core.money import to_cny
from contracts.errors import ValidationError
from engine import decisions
from engine.definitions import latest_definition
from engine.errors import DefinitionError, EngineError, NotFoundError

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

    @property
    def roles(self) -> list[str]:
        return [a.role for a in self.approvers]


def group_for(role: str, department: str) -> str:
    """Return the candidate group of an approver role (dept_manager is per department)."""
    return f"dept_manager:{department}" if role == "dept_manager" else role


def facts_from(session: Session, inputs: dict[str, Any]) -> dict[str, Any]:
    """Return contract_type, amount, currency, department from raw inputs or a contract id."""
    if inputs.get("contract_id") is not None:
        contract = session.get(Contract, inputs["contract_id"])
        if contract is None:
            raise ValidationError({"contract_id": ["no such contract"]})
        return {
            "contract_type": contract.contract_type.code,
            "amount": contract.amount,
            "currency": contract.currency,
            "department": contract.department.code,
        }
    errors: dict[str, list[str]] = {}
    for name in ("contract_type", "department", "amount"):
        if inputs.get(name) in (None, ""):
            errors[name] = ["is required"]
    amount = Decimal(0)
    try:
        amount = Decimal(str(inputs.get("amount", "0")))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = ["must be a non-negative decimal"]
    if errors:
        raise ValidationError(errors)
    return {
        "contract_type": str(inputs["contract_type"]),
        "amount": amount,
        "currency": str(inputs.get("currency") or "CNY"),
        "department": str(inputs["department"]),
    }


def _deployed_files(session: Session) -> tuple[dict[str, Any], str]:
    definition = latest_definition(session, APPROVAL_PROCESS)
    assert definition is not None
    files = {n: t for n, t in definition.files.items() if n.endswith(".dmn")}
    return files, f"deployed v{definition.version}"


def simulate(
    session: Session,
    *,
    contract_type: str,
    amount: Decimal,
    currency: str,
    department: str,
    draft_dmn: str | None = None,
    files: dict[str, Any] | None = None,
) -> RoutingSimulation:
    """Evaluate approval_routing (deployed, a draft DMN or a bundle) for one contract's facts."""
    amount_cny = to_cny(session, amount, currency)
    if files is not None:
        source = "bundle"
    elif draft_dmn is not None:
        files, source = {"draft.dmn": draft_dmn}, "draft"
    else:
        files, source = _deployed_files(session)
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


def list_cases(session: Session) -> list[RoutingCase]:
    return list(session.scalars(select(RoutingCase).order_by(RoutingCase.id)))


def save_case(session: Session, raw: Any, username: str) -> RoutingCase:
    """Save a case: a name, the simulator inputs and the expected approver roles in order."""
    if not isinstance(raw, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    name = str(raw.get("name") or "").strip()[:200]
    if not name:
        errors["name"] = ["is required"]
    inputs = raw.get("inputs")
    if not isinstance(inputs, dict):
        errors["inputs"] = ["must be an object of simulator inputs"]
    expected = raw.get("expected")
    if not isinstance(expected, list) or not all(isinstance(r, str) for r in expected):
        errors["expected"] = ["must be a list of approver roles"]
    if errors:
        raise ValidationError(errors)
    assert isinstance(inputs, dict) and isinstance(expected, list)
    facts_from(session, inputs)
    case = RoutingCase(name=name, inputs=inputs, expected=expected, created_by=username)
    session.add(case)
    session.flush()
    return case


def delete_case(session: Session, case_id: int) -> None:
    case = session.get(RoutingCase, case_id)
    if case is None:
        raise NotFoundError(f"routing case {case_id} does not exist")
    session.delete(case)
    session.flush()


def failing_cases(session: Session, files: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a problem per saved case the bundle's routing decision gets wrong.

    Bundles that don't define the routing decision are not checked.
    """
    if ROUTING_DECISION not in decisions.defined_decisions(files):
        return []
    problems = []
    for case in list_cases(session):
        try:
            roles = simulate(session, files=files, **facts_from(session, case.inputs)).roles
            wrong = None if roles == case.expected else " → ".join(roles) or "nobody"
        except EngineError as exc:
            wrong = f"error: {exc.message}"
        if wrong is not None:
            problems.append(
                {
                    "file": next((n for n in files if n.endswith(".dmn")), None),
                    "element_id": ROUTING_DECISION,
                    "element_name": None,
                    "element_type": "decision",
                    "line": None,
                    "message": f"routing case '{case.name}' expects "
                    f"{' → '.join(case.expected) or 'nobody'} but gets {wrong}",
                    "rule": "routing_case",
                    "severity": "error",
                }
            )
    return problems


def require_cases_pass(session: Session, files: dict[str, Any]) -> None:
    """Raise DefinitionError listing every saved case the bundle fails."""
    problems = failing_cases(session, files)
    if problems:
        raise DefinitionError(
            f"{len(problems)} routing case(s) fail: {problems[0]['message']}", details=problems
        )
