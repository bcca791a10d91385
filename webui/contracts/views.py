"""Contract pages: list, create, read, edit, submit. Each view parses, calls a service, renders."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from contracts.approval import progress as approval_progress
from contracts.core import amendments, service
from contracts.core.list_filters import STATUSES
from contracts.core.models import Contract, ContractStatus
from contracts.errors import ValidationError
from contracts.identity import access
from engine.errors import ConcurrentUpdateError, ConflictError
from webui.auth import current_actor
from webui.contracts import bp
from webui.contracts.contract_form import (
    changed_fields,
    edit_version_from_form,
    form_choices,
    new_contract_values,
    raw_from_form,
    values_from_contract,
    values_from_form,
)
from webui.contracts.filters import TYPED_FILTERS, read_filters
from webui.contracts.template_helpers import status_label
from webui.extensions import db
from webui.field_messages import localize
from webui.labels import department_label
from webui.settings import approval_settings
from webui.wiring import engine_environment


def _render_form(
    contract: Contract | None,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    html = render_template(
        "contracts/form.html",
        contract=contract,
        values=values,
        errors=localize(errors or {}),
        choices=form_choices(db.session),
    )
    return html, status


# Signed copies of these are marked signed (activated) from the detail page.
ACTIVATABLE_STATUSES = (ContractStatus.APPROVED, ContractStatus.OUT_FOR_SIGNATURE)


def _may_edit(contract: Contract) -> bool:
    if contract.status not in access.EDITABLE_STATUSES:
        return False
    return access.may_edit(current_user, contract)


@bp.get("/")
@login_required
def index() -> tuple[str, int]:
    try:
        filters = read_filters()
    except ValidationError as exc:
        # Shown next to each filter; htmx swaps only 2xx answers, so its request gets a 200.
        status = 200 if request.headers.get("HX-Request") else 422
        return _render_list(None, exc.details), status
    page = service.list_contracts(db.session, filters, current_actor())
    db.session.commit()  # the read is audited
    return _render_list(page, {}), 200


def _render_list(page: service.Page | None, errors: dict[str, list[str]]) -> str:
    return render_template(
        "contracts/list.html",
        page=page,
        waiting=approval_progress.waiting_for(db.session, page.items) if page else {},
        pages=max(1, -(-page.total // page.per_page)) if page else 1,
        args=request.args,
        errors=errors,
        typed_filters=TYPED_FILTERS,
        statuses=STATUSES,
        choices=form_choices(db.session),
    )


@bp.get("/new")
@login_required
def new() -> tuple[str, int]:
    department = current_user.department.code if current_user.department else None
    return _render_form(None, new_contract_values(department))


@bp.post("/new")
@login_required
def create() -> tuple[str, int] | Response:
    try:
        contract = service.create_contract(db.session, raw_from_form(request.form), current_actor())
    except ValidationError as exc:
        db.session.rollback()
        return _render_form(None, values_from_form(request.form), exc.details, 422)
    db.session.commit()
    flash(_("Contract %(number)s created as a draft.", number=contract.number), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.get("/<int:contract_id>")
@login_required
def detail(contract_id: int) -> str:
    return render_detail(contract_id)


def render_detail(contract_id: int, upload_error: dict[str, Any] | None = None) -> str:
    """The contract page; `upload_error` ({"document", "message"}) shows by its upload form."""
    actor = current_actor()
    contract = service.get_contract(db.session, contract_id, actor)
    # One entry for the page: "contract.view" covers the history and documents it shows.
    events = service.timeline(db.session, contract_id, actor, audit_read=False)
    progress = approval_progress.approval_progress(db.session, contract)
    linked = amendments.amendments_of(db.session, contract, actor, audit_read=False)
    original = amendments.original_of(db.session, contract, actor)
    may_amend = amendments.may_amend(db.session, contract, actor)
    db.session.commit()  # the view is audited
    return render_template(
        "contracts/detail.html",
        contract=contract,
        events=events,
        progress=progress,
        may_edit=_may_edit(contract),
        may_submit=contract.status == ContractStatus.DRAFT and _may_edit(contract),
        may_activate=contract.status in ACTIVATABLE_STATUSES
        and access.may_mark_signed(current_user, contract),
        upload_error=upload_error,
        amendments=linked,
        original=original,
        may_amend=may_amend,
    )


def _status_refusal(contract: Contract) -> str:
    """Why a contract its editor opens cannot be edited now, and what would open it."""
    if contract.status == ContractStatus.IN_REVIEW:
        return _(
            "Contract %(number)s is in review, so you cannot edit it now: what the approvers "
            "read must not change. If it is rejected, you can revise it and submit it again.",
            number=contract.number,
        )
    return _(
        "Contract %(number)s is %(status)s; you cannot edit it now.",
        number=contract.number,
        status=status_label(contract.status),
    )


@bp.get("/<int:contract_id>/edit")
@login_required
def edit(contract_id: int) -> tuple[str, int] | Response:
    contract = service.get_contract(db.session, contract_id, current_actor(), audit_view=False)
    refusal = access.edit_refusal(current_user, contract)
    if refusal == "permission":
        flash(
            _(
                "Only its owner and the editors and managers of the %(department)s "
                "department may edit contract %(number)s.",
                department=department_label(contract.department.name),
                number=contract.number,
            ),
            "error",
        )
        return redirect(url_for("contracts.detail", contract_id=contract_id))
    if refusal == "status":
        flash(_status_refusal(contract), "error")
        return redirect(url_for("contracts.detail", contract_id=contract_id))
    return _render_form(contract, values_from_contract(contract))


@bp.post("/<int:contract_id>/edit")
@login_required
def update(contract_id: int) -> tuple[str, int] | Response:
    current = service.get_contract(db.session, contract_id, current_actor(), audit_view=False)
    raw = changed_fields(raw_from_form(request.form), current)
    try:
        contract = service.update_contract(
            db.session,
            contract_id,
            raw,
            current_actor(),
            expected_version=edit_version_from_form(request.form),
        )
    except ValidationError as exc:
        db.session.rollback()
        contract = service.get_contract(db.session, contract_id, current_actor(), audit_view=False)
        return _render_form(contract, values_from_form(request.form), exc.details, 422)
    except ConcurrentUpdateError:
        db.session.rollback()
        return _stale_form(contract_id)
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("contracts.detail", contract_id=contract_id))
    db.session.commit()
    flash(_("Changes saved."), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


def _stale_form(contract_id: int) -> tuple[str, int] | Response:
    """The form again with the user's input, now based on the version someone else saved."""
    contract = service.get_contract(db.session, contract_id, current_actor(), audit_view=False)
    if not _may_edit(contract):  # submitted or rejected meanwhile: nothing left to edit
        flash(
            _(
                "Someone else changed contract %(number)s while you were editing it; "
                "it is %(status)s now and your changes were not saved.",
                number=contract.number,
                status=status_label(contract.status),
            ),
            "error",
        )
        return redirect(url_for("contracts.detail", contract_id=contract_id))
    flash(
        _(
            "Someone else saved contract %(number)s while you were editing it, so your "
            "changes were not saved. They are kept below: check the contract's current "
            "state, then save again to apply them.",
            number=contract.number,
        ),
        "error",
    )
    values = {**values_from_form(request.form), "edit_version": str(contract.edit_version)}
    return _render_form(contract, values, status=409)


@bp.post("/<int:contract_id>/submit")
@login_required
def submit(contract_id: int) -> Response:
    try:
        contract = service.submit_contract(
            db.session, contract_id, current_actor(), approval_settings(), engine_environment()
        )
    except (ConflictError, ValidationError) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("contracts.detail", contract_id=contract_id))
    db.session.commit()
    flash(_("Contract %(number)s submitted for approval.", number=contract.number), "success")
    return redirect(url_for("contracts.detail", contract_id=contract_id))
