"""API shapes of process administration: versions, validation, instances, routing."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from webui.api.shapes import Money, Omitted, Shape, Timestamp
from webui.contracts.shapes import TimelineEvent


class ProcessVersion(Shape):
    id: int
    key: str
    name: str
    version: int
    checksum: str | Omitted = None
    deployed_at: Timestamp
    deployed_by: str | None
    note: str
    file_names: list[str] | Omitted = None
    files: dict[str, Any] | Omitted = Field(None, description="file name -> XML (single version)")
    versions: int | Omitted = Field(None, description="number of versions (list)")


class ProcessVersionList(Shape):
    items: list[ProcessVersion]


class Bundle(Shape):
    files: dict[str, str] = Field(description="file name (.bpmn/.dmn) -> XML text")
    note: str | Omitted = None


class Problem(Shape):
    file: str | None = None
    element_id: str | None
    element_name: str | None = None
    element_type: str | None = None
    line: int | None = None
    message: str
    rule: str | Omitted = None
    severity: Literal["error", "warning"] | Omitted = None


class Validation(Shape):
    valid: bool
    problems: list[Problem]


class Deployed(Shape):
    deployed: list[ProcessVersion]


class RedeployRequest(Shape):
    note: str | Omitted = None


class ElementChange(Shape):
    element_id: str
    element_type: str
    element_name: str | None
    file: str
    aspects: list[str]


class VersionComparison(Shape):
    key: str
    from_: int = Field(alias="from")
    to: int
    added: list[ElementChange]
    removed: list[ElementChange]
    changed: list[ElementChange]


class TaskTiming(Shape):
    bpmn_id: str
    name: str
    count: int
    median_seconds: float
    p90_seconds: float


class Heatmap(Shape):
    key: str
    since: str | None = None
    until: str | None = None
    items: list[TaskTiming]


class MissingItem(Shape):
    element_id: str | None
    element_name: str | None
    element_type: str
    line: int | None = None
    what_to_add: str


class ImportResult(Shape):
    filename: str
    status: Literal["deployed", "incomplete"]
    deployed: list[ProcessVersion]
    missing: list[MissingItem]


class RoutingSimulationRequest(Shape):
    contract_type: str | Omitted = None
    amount: str | float | Omitted = None
    currency: str | Omitted = None
    department: str | Omitted = None
    contract_id: int | Omitted = Field(
        None, description="take type, amount, currency, department from this contract"
    )
    dmn: str | Omitted = Field(None, description="a draft DMN (XML) instead of the deployed")


class Approver(Shape):
    role: str | Omitted = None
    group: str | Omitted = None


class RoutingSimulation(Shape):
    amount_cny: Money
    source: str
    approvers: list[Approver]


class InstanceElements(Shape):
    completed: list[str] | Omitted = None
    active: list[str] | Omitted = None
    waiting: list[str] | Omitted = None


class AdminInstance(Shape):
    id: int
    key: str
    version: int
    definition_id: int | Omitted = None
    status: Literal["running", "completed", "suspended", "terminated", "error"]
    business_key: str | None
    started_by: str | None = None
    started_at: Timestamp
    updated_at: Timestamp | Omitted = None
    completed_at: str | None = None
    next_timer_at: str | None = None
    error: str | None = None
    elements: InstanceElements | Omitted = None
    history: list[TimelineEvent] | Omitted = None
    data: dict[str, Any] | Omitted = None
    retry: dict[str, Any] | Omitted = Field(None, description="retry only: succeeded, error")


class AdminInstancePage(Shape):
    items: list[AdminInstance]
    total: int
    page: int
    per_page: int


class InstanceAction(Shape):
    comment: str | Omitted = None


class RoutingCase(Shape):
    id: int | Omitted = None
    name: str
    inputs: RoutingSimulationRequest
    expected: list[str] = Field(description="roles, in order")
    created_by: str | None = None
    created_at: Timestamp | Omitted = None


class RoutingCaseList(Shape):
    items: list[RoutingCase]


class SpecChange(Shape):
    bpmn_id: str | Omitted = None
    name: str | Omitted = None
    aspects: list[str] | Omitted = None


class MigrationReport(Shape):
    instance_id: int
    from_version: int
    to_version: int | None
    safe: bool
    reasons: list[str]
    changed: list[SpecChange] | Omitted = None
    added: list[SpecChange] | Omitted = None
    removed: list[SpecChange] | Omitted = None
