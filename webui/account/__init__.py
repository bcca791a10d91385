"""The signed-in user's own pages: API tokens, sessions, password and time zone under /account."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webui.account import api, profile, sessions, tokens  # noqa: E402,F401
