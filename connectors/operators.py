"""Service-task operators that call other systems through the outbox and wait for the answer.

Each one writes an outbox row in the step's transaction and returns
`{"outbox_id", "reply_message"}`; the process then waits on an intermediate
message catch event named `reply_message` (default `<operator>:done`), whose
`messageVariable` receives `{"outbox_id", "response": {"status", "body"}}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors import catalog, contract_facts, mapping, settings
from contracts.core.models import Contract
from contracts.notifications.links import contract_path
from contracts.notifications.service import notify
from engine.errors import WorkflowStepError
from engine.operators import OperatorContext, OperatorRegistry

Operator = Callable[[OperatorContext, dict[str, Any]], Any]


def _source_data(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {**ctx.data, **params}
    contract_id = params.get("contract_id", ctx.data.get("contract_id"))
    if contract_id is not None:
        contract = ctx.session.get(Contract, contract_id)
        if contract is None:
            raise WorkflowStepError(f"{ctx.bpmn_id}: contract {contract_id!r} does not exist")
        data["contract"] = contract_facts.facts(contract)
    return data


def _enqueue(
    ctx: OperatorContext, operation: str, channel: str, request: dict[str, Any], reply: Any
) -> dict[str, Any]:
    reply_message = str(reply or f"{operation}:done")
    message = ctx.enqueue(channel, {"operation": operation, **request}, reply_message=reply_message)
    ctx.record_event("outbound_queued", details={"operation": operation, "outbox_id": message.id})
    return {"outbox_id": message.id, "reply_message": reply_message}


def mapped_operation(spec: catalog.OperationSpec) -> Operator:
    """An operator that sends the mapped contract data to `spec`'s endpoint."""

    def run(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
        config = settings.get_config(ctx.session, spec.connector)
        body = mapping.apply(settings.mapping_for(config, spec.name), _source_data(ctx, params))
        request = {"method": spec.method, "path": spec.path, "body": body}
        return _enqueue(ctx, spec.name, spec.connector, request, params.get("reply_message"))

    run.__doc__ = spec.description
    return run


def http_operation(method: str) -> Operator:
    """The generic `http/<Method>Request` operator: URL, headers and body from the task."""
    name = f"http/{method.title()}Request"

    def run(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
        url = params.get("url")
        if not isinstance(url, str) or not url:
            raise WorkflowStepError(f"{ctx.bpmn_id}: {name} needs a 'url' parameter")
        headers = params.get("headers") or {}
        if not isinstance(headers, dict):
            raise WorkflowStepError(f"{ctx.bpmn_id}: 'headers' must be a dict")
        request: dict[str, Any] = {"method": method, "path": url, "headers": headers}
        if method != "GET":
            request["body"] = params.get("body")
        return _enqueue(ctx, name, "http", request, params.get("reply_message"))

    return run


def register_operators(registry: OperatorRegistry) -> None:
    """Register the connector operators (ERP, finance, CRM, generic HTTP)."""
    for spec in catalog.OPERATIONS.values():
        registry.register(
            spec.name,
            mapped_operation(spec),
            description=spec.description,
            parameters={"contract_id": "int", "reply_message": "str"},
        )
    for method in ("GET", "POST"):
        registry.register(
            f"http/{method.title()}Request",
            http_operation(method),
            description=f"Send an HTTP {method} through the outbox; the answer comes as a message",
            parameters={"url": "str", "headers": "dict", "body": "any", "reply_message": "str"},
        )
    registry.register(
        "connectors/RemindOwner",
        remind_owner,
        description="Tell the contract owner that another system has not answered yet",
        parameters={"message": "str"},
    )


def remind_owner(ctx: OperatorContext, params: dict[str, Any]) -> dict[str, Any]:
    """Notify the contract's owner in the app and note the reminder in the history."""
    contract = ctx.session.get(Contract, ctx.data.get("contract_id"))
    text = str(params.get("message") or "Another system has not answered yet.")
    if contract is not None:
        notify(
            ctx.session,
            [contract.owner_id],
            kind="integration_reminder",
            message=f"{contract.number}: {text}",
            link=contract_path(contract.id),
        )
    ctx.record_event("reminded", comment=text)
    return {"reminded": contract.owner.username if contract else None}
