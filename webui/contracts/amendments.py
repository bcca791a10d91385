"""Amendment pages: start one from an approved contract; set it beside the approved text."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from contracts.core import amendments
from contracts.documents import diff
from engine.errors import ConflictError
from webui.auth import current_actor
from webui.contracts import bp
from webui.documents.settings import document_settings
from webui.extensions import db


@bp.post("/<int:contract_id>/amendments")
@login_required
def amend(contract_id: int) -> Response:
    try:
        amendment = amendments.start_amendment(
            db.session, contract_id, current_actor(), document_settings()
        )
    except ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("contracts.detail", contract_id=contract_id))
    db.session.commit()
    flash(
        _(
            "Amendment %(number)s started as a draft with a copy of the approved text: "
            "change it, then submit it for approval.",
            number=amendment.number,
        ),
        "success",
    )
    return redirect(url_for("contracts.detail", contract_id=amendment.id))


@bp.get("/<int:contract_id>/amendment/compare")
@login_required
def compare_amendment(contract_id: int) -> str:
    comparison = amendments.compare_with_original(db.session, contract_id, current_actor())
    db.session.commit()  # the read is audited
    sides = [
        (change, *diff.side_by_side(change.ops), diff.stats(change.ops))
        for change in comparison.changes
    ]
    return render_template("contracts/amendment_compare.html", c=comparison, sides=sides)
