"""The demo-mode banner: every demo account, who it is, and the shared password."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from contracts.demo.seed import USERS
from webui.contracts.template_helpers import role_label


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    department: str | None


def demo_accounts() -> list[DemoAccount]:
    """Every demo user with their roles in the reader's language (demo mode only)."""
    if not current_app.config["DEMO_MODE"]:
        return []
    return [
        DemoAccount(username, " · ".join(role_label(r) for r in roles), department)
        for username, (_display, roles, department) in USERS.items()
    ]


def install(app: Flask) -> None:
    app.jinja_env.globals["demo_accounts"] = demo_accounts
