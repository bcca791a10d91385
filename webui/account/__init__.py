"""The signed-in user's own pages: API tokens under /account/tokens."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webui.account import tokens  # noqa: E402,F401
