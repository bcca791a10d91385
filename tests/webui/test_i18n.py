"""The language comes from the user's profile, else the browser."""

from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import select

from contracts.identity.models import User
from webui.extensions import db


def _locale_for(app, headers, username=None):
    with app.test_request_context("/", headers=headers):
        if username:
            from flask_login import login_user

            login_user(db.session.scalars(select(User).where(User.username == username)).one())
        return str(get_locale())


def test_browser_language_picks_the_default(app):
    assert _locale_for(app, {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}) == "zh"
    assert _locale_for(app, {"Accept-Language": "en-US,en;q=0.9"}) == "en"
    assert _locale_for(app, {"Accept-Language": "fr-FR"}) == "en"


def test_profile_overrides_the_browser(app):
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "alice")).one()
        user.locale = "zh"
        db.session.commit()
    assert _locale_for(app, {"Accept-Language": "en-US"}, username="alice") == "zh"
