"""The home page of each user, and the administrators' overview at /admin."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("home", __name__)

from webui.home import views  # noqa: E402,F401
