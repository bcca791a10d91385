"""Importing is for editors, department managers and admins; a batch is its uploader's."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from contracts import imports
from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.imports.models import ImportBatch
from webui.extensions import db


def actor(username: str) -> Actor:
    return Actor(db.session.scalars(select(User).where(User.username == username)).one())


@pytest.mark.parametrize("username", ["carol", "dave"])
def test_people_who_may_not_import_are_refused_before_the_sheet_is_read(app, username):
    with app.app_context():
        with pytest.raises(PermissionDeniedError):
            imports.preview_import(
                db.session, io.BytesIO(b"not a sheet"), "x.xlsx", actor(username)
            )
        with pytest.raises(PermissionDeniedError):
            imports.recent_batches(db.session, actor(username))
        assert db.session.scalars(select(ImportBatch)).all() == []


def test_a_batch_is_seen_by_its_uploader_and_admins_only(app):
    with app.app_context():
        batch = ImportBatch(filename="a.xlsx", created_by=actor("alice").user, total_rows=0)
        db.session.add(batch)
        db.session.flush()
        assert imports.own_batch(db.session, batch.id, actor("alice")) is batch
        assert imports.own_batch(db.session, batch.id, actor("admin")) is batch
        assert imports.recent_batches(db.session, actor("alice")) == [batch]
        assert imports.recent_batches(db.session, actor("bob")) == []
        with pytest.raises(PermissionDeniedError):
            imports.own_batch(db.session, batch.id, actor("bob"))
