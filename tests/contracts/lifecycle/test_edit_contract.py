"""edit_contract: one use case decides between a running contract's term and a draft's fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.errors import ContractFrozenError, PermissionDeniedError
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.lifecycle import service as lifecycle
from tests.contracts import test_lifecycle
from webui.extensions import db
from webui.wiring import engine_environment

active = test_lifecycle.active  # an approved, activated contract of alice (the fixture)


def actor(username: str) -> Actor:
    return Actor(db.session.scalars(select(User).where(User.username == username)).one())


def actions(contract_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_type == "contract", AuditEntry.object_id == str(contract_id)
            )
        )
    )


def test_a_draft_is_updated_as_a_whole(app, api):
    contract = api("alice").create_contract()
    with app.app_context():
        edited = lifecycle.edit_contract(
            db.session, contract["id"], {"title": "New"}, actor("alice"), engine_environment()
        )
        assert edited.title == "New"
        assert "contract.change_term" not in actions(contract["id"])


def test_a_running_contract_changes_only_its_term(app, active):
    made = active()
    with app.app_context():
        later = (made["expiry"] + timedelta(days=30)).isoformat()
        edited = lifecycle.edit_contract(
            db.session, made["id"], {"expiry_date": later}, actor("alice"), engine_environment()
        )
        assert edited.expiry_date.isoformat() == later
        assert "contract.change_term" in actions(made["id"])
        with pytest.raises(ContractFrozenError):
            lifecycle.edit_contract(
                db.session, made["id"], {"title": "x"}, actor("alice"), engine_environment()
            )


@pytest.mark.parametrize("username", ["dave", "carol"])
def test_people_who_may_not_edit_are_refused_whichever_the_status(app, api, active, username):
    draft = api("alice").create_contract()
    made = active()
    with app.app_context():
        for contract_id, raw in ((draft["id"], {"title": "x"}), (made["id"], {"notice_days": 10})):
            with pytest.raises(PermissionDeniedError):
                lifecycle.edit_contract(
                    db.session, contract_id, raw, actor(username), engine_environment()
                )
