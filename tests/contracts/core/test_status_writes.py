"""Status changes on the approval path: one guarded UPDATE of the contract row."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from contracts.core import service
from contracts.core.models import Contract, ContractStatus
from engine.errors import ConcurrentUpdateError
from webui.extensions import db


@pytest.fixture
def draft_id(api, app):
    contract = api("alice").create_contract(title="Stand rental", amount="3000.00")
    with app.app_context():
        yield contract["id"]


def test_set_status_writes_the_row_and_the_loaded_object(draft_id):
    contract = db.session.get(Contract, draft_id)
    version = contract.edit_version
    previous = service.set_status(db.session, contract, ContractStatus.CANCELLED)
    assert previous == ContractStatus.DRAFT
    assert contract.status == ContractStatus.CANCELLED and contract.edit_version == version + 1
    assert contract not in db.session.dirty  # nothing left for a flush to write
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Contract, draft_id)
    assert stored.status == ContractStatus.CANCELLED and stored.edit_version == version + 1


def test_set_status_on_a_contract_changed_meanwhile_is_refused(draft_id):
    contract = db.session.get(Contract, draft_id)
    db.session.execute(  # someone else saved an edit since we loaded it
        update(Contract)
        .where(Contract.id == draft_id)
        .values(title="Renamed", edit_version=Contract.edit_version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(ConcurrentUpdateError, match="changed by someone else"):
        service.set_status(db.session, contract, ContractStatus.CANCELLED)
    db.session.rollback()
