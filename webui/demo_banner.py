"""The demo-mode banner: every demo account, who it is, and the shared password."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import gettext as _

from contracts.demo import USERS


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    department: str | None


def _role_names() -> dict[str, str]:
    return {
        "viewer": _("viewer"),
        "editor": _("drafter"),
        "dept_manager": _("department manager"),
        "legal": _("legal"),
        "finance": _("finance"),
        "executive": _("executive"),
        "process_admin": _("process admin"),
        "integrator": _("integrator"),
        "admin": _("administrator"),
    }


def demo_accounts() -> list[DemoAccount]:
    """Every demo user with their roles in the reader's language (demo mode only)."""
    if not current_app.config["DEMO_MODE"]:
        return []
    names = _role_names()
    return [
        DemoAccount(username, " · ".join(names.get(str(r), str(r)) for r in roles), department)
        for username, (_display, roles, department) in USERS.items()
    ]


def install(app: Flask) -> None:
    app.jinja_env.globals["demo_accounts"] = demo_accounts
