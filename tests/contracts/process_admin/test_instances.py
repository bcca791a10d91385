"""Instance monitor use cases check the process-admin permission themselves and audit changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.errors import PermissionDeniedError
from contracts.identity.actor import Actor
from contracts.identity.models import User
from contracts.process_admin import instances as process_admin
from engine.instances import InstanceFilters
from engine.models import InstanceStatus, ProcessInstance
from webui.extensions import db
from webui.wiring import engine_environment


def actor(username: str) -> Actor:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    return Actor(user, ip="203.0.113.9")


@pytest.fixture
def instance_id(app, api) -> int:
    contract = api("alice").create_contract()
    api("alice").submit(contract["id"])
    with app.app_context():
        return db.session.scalars(select(ProcessInstance.id)).one()


USE_CASES: dict[str, Callable[[int, Actor], Any]] = {
    "list": lambda _id, who: process_admin.list_instances(db.session, InstanceFilters(), who),
    "detail": lambda i, who: process_admin.instance_detail(db.session, i, who),
    "dry_run": lambda i, who: process_admin.migration_dry_run(db.session, i, who),
    "suspend": lambda i, who: process_admin.change_instance(
        db.session, i, "suspend", who, engine_environment()
    ),
    "terminate": lambda i, who: process_admin.change_instance(
        db.session, i, "terminate", who, engine_environment()
    ),
    "retry": lambda i, who: process_admin.change_instance(
        db.session, i, "retry", who, engine_environment()
    ),
    "migrate": lambda i, who: process_admin.migrate_instance(
        db.session, i, who, engine_environment()
    ),
}


@pytest.mark.parametrize("use_case", sorted(USE_CASES))
@pytest.mark.parametrize("username", ["alice", "bob", "dave"])
def test_people_who_are_not_process_admins_are_refused(app, instance_id, use_case, username):
    with app.app_context():
        with pytest.raises(PermissionDeniedError):
            USE_CASES[use_case](instance_id, actor(username))
        assert db.session.scalars(select(ProcessInstance.status)).one() == InstanceStatus.RUNNING
        assert (
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.object_type == "process_instance")
            ).all()
            == []
        )


def test_the_detail_shows_history_elements_and_data(app, instance_id):
    with app.app_context():
        detail = process_admin.instance_detail(db.session, instance_id, actor("admin"))
        assert detail.instance.id == instance_id
        assert detail.elements["active"] == ["approve_contract"]
        assert detail.history and all(e.instance_id == instance_id for e in detail.history)
        assert detail.error is None


def test_a_broken_saved_state_is_shown_with_its_error(app, instance_id):
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        instance.state = '{"not": "a workflow"}'
        db.session.flush()
        detail = process_admin.instance_detail(db.session, instance_id, actor("admin"))
        assert detail.elements == {"completed": [], "active": [], "waiting": []}
        assert detail.data == {}
        assert detail.error


def test_a_change_returns_the_instance_and_is_audited_with_the_actor(app, instance_id):
    with app.app_context():
        outcome = process_admin.change_instance(
            db.session, instance_id, "suspend", actor("admin"), engine_environment(), comment="look"
        )
        assert outcome.instance.status == InstanceStatus.SUSPENDED and outcome.retry is None
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "instance.suspend")
        ).all()
        assert (entry.actor, entry.object_id, entry.ip) == (
            "admin",
            str(instance_id),
            "203.0.113.9",
        )
        assert entry.details == {"comment": "look"}


def test_migrate_is_not_a_change_action(app, instance_id):
    with app.app_context(), pytest.raises(ValueError):
        process_admin.change_instance(
            db.session, instance_id, "migrate", actor("admin"), engine_environment()
        )


def test_the_modeler_choices_are_for_process_admins(app):
    from contracts.process_admin import service
    from webui.settings import form_library

    with app.app_context(), app.test_request_context():
        with pytest.raises(PermissionDeniedError):
            service.modeler_choices(actor("alice"), engine_environment().operators, form_library())
        operators, forms = service.modeler_choices(
            actor("admin"), engine_environment().operators, form_library()
        )
        assert (
            operators == engine_environment().operators.names() and forms == sorted(forms) and forms
        )
        assert all(name.endswith(".json") for name in forms)
