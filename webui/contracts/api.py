"""Contracts: create, list, read, edit, submit, timeline."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import login_required

from contracts.core import amendments, service
from contracts.core.models import Contract
from contracts.errors import ValidationError
from contracts.lifecycle import calendar
from contracts.lifecycle import service as lifecycle
from webui.api import bp
from webui.api.params import QueryReader
from webui.api.spec import json_body, operation, query, refusals
from webui.auth import current_actor
from webui.calendar import lifecycle_settings
from webui.contracts import filters as contract_filters
from webui.contracts import shapes
from webui.contracts.shapes import contract_json, event_json, expiring_json
from webui.documents.settings import document_settings
from webui.extensions import db
from webui.settings import approval_settings
from webui.wiring import engine_environment


@operation(
    bp,
    "/contracts",
    "POST",
    summary="Create a draft contract",
    tags=["contracts"],
    body=shapes.ContractInput,
    responses={201: shapes.Contract, 400: None, 401: None, 403: None, 415: None, 422: None},
)
@login_required
def create_contract() -> tuple[dict[str, Any], int]:
    contract = service.create_contract(db.session, json_body(), current_actor())
    db.session.commit()
    return contract_json(contract), 201


@operation(
    bp,
    "/contracts",
    "GET",
    summary="List contracts you may see",
    tags=["contracts"],
    params=contract_filters.openapi_params(),
    responses={200: shapes.ContractPage, 401: None, 422: None},
)
@login_required
def list_contracts() -> dict[str, Any]:
    filters = contract_filters.read_filters()
    page = service.list_contracts(db.session, filters, current_actor())
    db.session.commit()  # the read is audited
    return shapes.ContractPage.render(
        {
            "items": [contract_json(c) for c in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


@operation(
    bp,
    "/contracts/<int:contract_id>",
    "GET",
    summary="One contract",
    tags=["contracts"],
    responses={200: shapes.Contract, 401: None, 404: None},
)
@login_required
def get_contract(contract_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    contract = service.get_contract(db.session, contract_id, current_actor())
    db.session.commit()
    return contract_json(contract), 200, _etag(contract)


@operation(
    bp,
    "/contracts/<int:contract_id>",
    "PATCH",
    summary="Edit a draft (partial); on an active contract: change its term",
    tags=["contracts"],
    body=shapes.ContractInput,
    responses={200: shapes.Contract, **refusals(400, 401, 403, 404, 409, 415, 422)},
)
@login_required
def patch_contract(contract_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    body, actor = json_body(), current_actor()
    expected = _expected_version(body)
    contract = lifecycle.edit_contract(
        db.session, contract_id, body, actor, engine_environment(), expected_version=expected
    )
    db.session.commit()
    return contract_json(contract), 200, _etag(contract)


def _etag(contract: Contract) -> dict[str, str]:
    return {"ETag": f'"{contract.edit_version}"'}


def _expected_version(body: Any) -> int | None:
    """The `edit_version` the client read: from the body (taken out of it) or If-Match."""
    errors: dict[str, list[str]] = {}
    expected: int | None = None
    if isinstance(body, dict) and "edit_version" in body:
        value = body.pop("edit_version")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            expected = value
        else:
            errors["edit_version"] = ["must be the positive integer read with the contract"]
    header = (request.headers.get("If-Match") or "").strip()
    if header and header != "*":
        tag = header.removeprefix("W/").strip('"')
        if not tag.isdigit():
            errors["If-Match"] = ['must be the ETag read with the contract, e.g. "3"']
        elif expected is not None and int(tag) != expected:
            errors["If-Match"] = ["names another version than edit_version"]
        else:
            expected = int(tag)
    if errors:
        raise ValidationError(errors)
    return expected


@operation(
    bp,
    "/contracts/<int:contract_id>/submit",
    "POST",
    summary="Start the approval process",
    tags=["contracts"],
    responses={200: shapes.Contract, 401: None, 403: None, 404: None, 409: None, 422: None},
)
@login_required
def submit_contract(contract_id: int) -> dict[str, Any]:
    contract = service.submit_contract(
        db.session, contract_id, current_actor(), approval_settings(), engine_environment()
    )
    db.session.commit()
    return contract_json(contract)


@operation(
    bp,
    "/contracts/<int:contract_id>/timeline",
    "GET",
    summary="The approval history",
    tags=["contracts"],
    responses={200: shapes.Timeline, 401: None, 404: None},
)
@login_required
def contract_timeline(contract_id: int) -> dict[str, Any]:
    events = service.timeline(db.session, contract_id, current_actor())
    db.session.commit()  # the read is audited
    return shapes.Timeline.render({"items": [event_json(e) for e in events]})


@operation(
    bp,
    "/contracts/<int:contract_id>/activate",
    "POST",
    summary="Mark an approved contract signed: active, its expiry watched",
    tags=["contracts"],
    responses={200: shapes.Contract, 401: None, 403: None, 404: None, 409: None, 422: None},
)
@login_required
def activate_contract(contract_id: int) -> dict[str, Any]:
    contract = lifecycle.activate_contract(
        db.session, contract_id, current_actor(), lifecycle_settings(), engine_environment()
    )
    db.session.commit()
    return contract_json(contract)


@operation(
    bp,
    "/contracts/expiring",
    "GET",
    summary="Running contracts expiring within 30, 60 or 90 days",
    tags=["contracts"],
    params=[
        query("days", {"type": "integer", "enum": list(calendar.WINDOWS)}, "default 30"),
        query("department", {"type": "string"}, "department code"),
    ],
    responses={200: shapes.ExpiringList, 401: None, 422: None},
)
@login_required
def expiring_contracts() -> dict[str, Any]:
    read = QueryReader()
    days = read.integer("days", 30, 1, 366)
    department = read.text("department")
    read.done()
    rows = calendar.expiring_contracts(
        db.session, current_actor(), days=days, department=department
    )
    return shapes.ExpiringList.render(
        {"items": [expiring_json(r) for r in rows], "total": len(rows)}
    )


@operation(
    bp,
    "/contracts/<int:contract_id>/amendments",
    "POST",
    summary="Amend an approved contract: a new draft with a copy of its details, body and "
    "documents, linked by `amends_id`, approved again; the approved contract stays as it is",
    tags=["contracts"],
    responses={201: shapes.Contract, 401: None, 403: None, 404: None, 409: None},
)
@login_required
def start_amendment(contract_id: int) -> tuple[dict[str, Any], int]:
    amendment = amendments.start_amendment(
        db.session, contract_id, current_actor(), document_settings()
    )
    db.session.commit()
    return contract_json(amendment), 201


@operation(
    bp,
    "/contracts/<int:contract_id>/amendments",
    "GET",
    summary="The amendments of a contract you may see, newest first",
    tags=["contracts"],
    responses={200: shapes.ContractPage, 401: None, 404: None},
)
@login_required
def list_amendments(contract_id: int) -> dict[str, Any]:
    actor = current_actor()
    contract = service.get_contract(db.session, contract_id, actor, audit_view=False)
    items = amendments.amendments_of(db.session, contract, actor)
    db.session.commit()  # the read is audited
    return shapes.ContractPage.render(
        {
            "items": [contract_json(c) for c in items],
            "total": len(items),
            "page": 1,
            "per_page": max(1, len(items)),
        }
    )
