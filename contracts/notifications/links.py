"""The one place that knows the web addresses mails, text messages and the bell point to.

A bell row keeps a path (`/inbox/tasks/7`): it is read inside the application. A mail or
a text message is read outside it, so it carries the full URL built from the
installation's base URL (`Links(base_url).task(7)`). `tests/webui/test_links.py` holds each
path against Flask's `url_for`, so a moved route cannot leave stale links behind.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_BASE_URL", "Links", "contract_path", "task_path"]

DEFAULT_BASE_URL = "http://localhost:5000"


def contract_path(contract_id: int) -> str:
    """The contract's page, relative to the application."""
    return f"/contracts/{contract_id}"


def task_path(task_id: int) -> str:
    """The task's page in the inbox, relative to the application."""
    return f"/inbox/tasks/{task_id}"


@dataclass(frozen=True)
class Links:
    """Absolute links for messages read outside the application."""

    base_url: str = DEFAULT_BASE_URL

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def url(self, path: str) -> str:
        """The absolute URL of an application path."""
        return f"{self.base_url}{path}"

    def contract(self, contract_id: int) -> str:
        """The contract's page."""
        return self.url(contract_path(contract_id))

    def task(self, task_id: int) -> str:
        """The task's page in the inbox."""
        return self.url(task_path(task_id))
