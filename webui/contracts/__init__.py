"""HTML pages: contracts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contracts", __name__, url_prefix="/contracts")


@bp.record_once
def _install_template_helpers(state) -> None:  # type: ignore[no-untyped-def]
    from webui.contracts import template_helpers

    template_helpers.install(state.app)


from webui.contracts import amendments, api, views  # noqa: E402,F401
