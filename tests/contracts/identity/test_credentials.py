"""Sign-in and token use cases write their own audit entries, the same for every door."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contracts.audit.models import AuditEntry
from contracts.errors import AuthenticationError
from contracts.identity import credentials
from contracts.identity.actor import Actor
from contracts.identity.login_throttle import LoginThrottle
from contracts.identity.models import User
from engine.errors import NotFoundError
from tests.factories import DEMO_PASSWORD
from webui.extensions import db


def entries() -> list[tuple[str, str | None, dict | None]]:
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    return [(e.action, e.actor, e.details) for e in rows if e.action.startswith(("login", "api_"))]


def actor(username: str) -> Actor:
    return Actor(
        db.session.scalars(select(User).where(User.username == username)).one(), "10.0.0.5"
    )


@pytest.mark.parametrize(("via", "details"), [(None, None), ("api", {"via": "api"})])
def test_a_sign_in_is_audited_by_the_use_case(app, via, details):
    with app.app_context():
        throttle = LoginThrottle(db.engine)
        credentials.sign_in(
            db.session, "alice", DEMO_PASSWORD, throttle=throttle, ip="1.2.3.4", via=via
        )
        db.session.commit()  # the throttle counts attempts on its own connection
        with pytest.raises(AuthenticationError):
            credentials.sign_in(
                db.session, "alice", "wrong", throttle=throttle, ip="1.2.3.4", via=via
            )
        assert entries() == [("login", "alice", details), ("login.failed", "alice", details)]


def test_tokens_are_created_and_revoked_with_an_audit_entry_and_only_ones_own(app):
    with app.app_context():
        token, row = credentials.create_token(
            db.session,
            actor("alice"),
            name="ci",
            scopes=["contracts:read"],
            days=1,
            password=DEMO_PASSWORD,
        )
        assert token and row.name == "ci"
        with pytest.raises(NotFoundError):
            credentials.revoke_token(db.session, actor("bob"), row.id)
        credentials.revoke_token(db.session, actor("alice"), row.id)
        assert [e[:2] for e in entries()] == [
            ("api_token.create", "alice"),
            ("api_token.revoke", "alice"),
        ]


def test_choosing_a_language_is_audited_and_refuses_unknown_ones(app):
    from contracts.errors import ValidationError
    from contracts.identity import profile

    with app.app_context():
        with pytest.raises(ValidationError):
            profile.set_locale(db.session, actor("alice"), "fr", ("en", "zh"))
        assert profile.set_locale(db.session, actor("alice"), "zh", ("en", "zh")) == "zh"
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "profile.locale")
        ).all()
        assert (entry.actor, entry.ip, entry.details) == ("alice", "10.0.0.5", {"locale": "zh"})
