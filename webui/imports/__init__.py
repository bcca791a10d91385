"""Bulk import pages: upload a sheet (and a zip), preview per-row errors, import with progress."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from webui.imports import tasks, views  # noqa: E402,F401
