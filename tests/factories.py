"""Factories for test data and a small JSON API client."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

DEMO_PASSWORD = "demo1234"


def contract_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "Annual CRM licence",
        "contract_type": "sales",
        "amount": "50000.00",
        "currency": "CNY",
        "department": "sales",
        "counterparty": "ACME Trading Co.",
        "effective_date": "2027-01-01",
        "expiry_date": "2027-12-31",
        "auto_renew": False,
        "notice_days": 30,
        "tags": ["crm"],
    }
    payload.update(overrides)
    return payload


@dataclass
class ApiClient:
    client: FlaskClient
    username: str
    token: str

    @classmethod
    def sign_in(
        cls, client: FlaskClient, username: str, password: str = DEMO_PASSWORD
    ) -> ApiClient:
        response = client.post(
            "/api/v1/auth/token", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.get_json()
        return cls(client, username, response.get_json()["token"])

    @classmethod
    def browser(
        cls, client: FlaskClient, username: str, password: str = DEMO_PASSWORD
    ) -> ApiClient:
        """Sign in through /login instead: a session cookie, which the HTML pages need."""
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return cls(client, username, token="")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self._headers(), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.post(
            path, json=json if json is not None else {}, headers=self._headers(), **kwargs
        )

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.patch(path, json=json, headers=self._headers(), **kwargs)

    # -- journeys --------------------------------------------------------------

    def create_contract(self, **overrides: Any) -> dict[str, Any]:
        response = self.post("/api/v1/contracts", json=contract_payload(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def submit(self, contract_id: int) -> dict[str, Any]:
        response = self.post(f"/api/v1/contracts/{contract_id}/submit")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def task_for(self, contract_id: int) -> dict[str, Any] | None:
        items = self.get("/api/v1/tasks?per_page=100").get_json()["items"]
        mine = [t for t in items if t["contract_id"] == contract_id]
        assert len(mine) <= 1, mine
        return mine[0] if mine else None

    def complete(self, task_id: int, data: dict[str, Any]) -> TestResponse:
        return self.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})

    def approve(self, contract_id: int, comment: str = "OK") -> dict[str, Any]:
        task = self.task_for(contract_id)
        assert task is not None, f"{self.username} has no task for contract {contract_id}"
        response = self.complete(task["id"], {"decision": "approve", "comment": comment})
        assert response.status_code == 200, response.get_json()
        return response.get_json()


def add_user(
    app: Any, username: str, *, roles: list[str], groups: list[str], department: str | None = None
) -> None:
    """Create a user (password demo1234) with roles and candidate-group memberships."""
    from sqlalchemy import select

    from contracts.core.reference_data import ensure_group
    from contracts.identity.accounts import hash_password
    from contracts.identity.models import Department, Membership, User
    from webui.extensions import db

    with app.app_context():
        dept = (
            db.session.scalars(select(Department).where(Department.code == department)).first()
            if department
            else None
        )
        user = User(
            username=username,
            display_name=username.title(),
            password_hash=hash_password(DEMO_PASSWORD),
            roles=roles,
            department=dept,
        )
        user.memberships = [Membership(group=ensure_group(db.session, g)) for g in groups]
        db.session.add(user)
        db.session.commit()


def race(calls: list[Callable[[], TestResponse]]) -> list[TestResponse]:
    """Run the calls in threads released together by a barrier; return their responses."""
    barrier = threading.Barrier(len(calls))
    responses: list[TestResponse | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = calls[index]()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(len(calls))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racer hung (a deadlock?)"
    if errors:
        raise errors[0]
    return [r for r in responses if r is not None]
