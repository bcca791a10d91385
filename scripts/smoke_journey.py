"""One approval journey through the public REST API, for smoke tests.

Usage: python scripts/smoke_journey.py [--expect-reminder] http://127.0.0.1:5055

alice (editor, sales) drafts a 50,000 CNY sales contract and submits it; bob
(sales dept_manager) finds the approval task in his inbox and approves; the
contract must end up "approved". Only the standard library is used, so this
runs with any Python 3.11, inside or outside the project's virtualenv.

With --expect-reminder (for a server whose approval SLA is a few seconds), the
SLA reminder must appear in the contract's timeline before bob approves: that
only happens when celery beat schedules the timer job, RabbitMQ carries it and
a celery worker fires the timer against the database.

Exits 0 on success, 1 with a message naming the failed step otherwise.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 15
# In distributed mode some steps may finish on a Celery worker a moment later.
POLL_SECONDS = 30

CONTRACT = {
    "title": "Smoke test",
    "contract_type": "sales",
    "amount": "50000.00",
    "currency": "CNY",
    "department": "sales",
    "counterparty": "ACME",
    "effective_date": "2027-01-01",
    "expiry_date": "2027-12-31",
}


class JourneyFailed(Exception):
    """A step did not answer as the API promises."""


class Api:
    def __init__(self, base_url: str) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise JourneyFailed(f"not an http(s) base URL: {base_url!r}")
        self.base_url = base_url.rstrip("/")

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _decode(error.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise JourneyFailed(f"{method} {path}: no answer ({error})") from error

    def expect(
        self,
        status: int,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> Any:
        got, payload = self.call(method, path, body, token)
        if got != status:
            raise JourneyFailed(f"{method} {path}: expected {status}, got {got}: {payload!r}")
        return payload

    def login(self, username: str, password: str) -> str:
        payload = self.expect(
            200, "POST", "/api/v1/auth/token", {"username": username, "password": password}
        )
        token = payload.get("token") if isinstance(payload, dict) else None
        if not token:
            raise JourneyFailed(f"login as {username}: no token in {payload!r}")
        return str(token)


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def _poll(what: str, probe: Any) -> Any:
    """Call probe() until it returns something truthy or POLL_SECONDS pass."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise JourneyFailed(f"timed out after {POLL_SECONDS} s waiting for {what}")
        time.sleep(0.5)


def step(message: str) -> None:
    print(f"  - {message}", flush=True)


def run(base_url: str, *, expect_reminder: bool = False) -> None:
    api = Api(base_url)

    step("alice logs in")
    alice = api.login("alice", "demo1234")

    step("alice drafts a sales contract")
    contract = api.expect(201, "POST", "/api/v1/contracts", CONTRACT, alice)
    contract_id = contract["id"]
    if contract.get("status") != "draft":
        raise JourneyFailed(f"new contract should be a draft: {contract!r}")

    step(f"alice submits contract {contract_id}")
    submitted = api.expect(200, "POST", f"/api/v1/contracts/{contract_id}/submit", {}, alice)
    if submitted.get("status") != "in_review":
        raise JourneyFailed(f"submitted contract should be in_review: {submitted!r}")

    step("bob logs in and finds the approval task")
    bob = api.login("bob", "demo1234")

    def bobs_task() -> dict[str, Any] | None:
        inbox = api.expect(200, "GET", "/api/v1/tasks", token=bob)
        for task in inbox.get("items", []):
            if task.get("contract_id") == contract_id:
                return dict(task)
        return None

    task = _poll(f"an approval task for contract {contract_id} in bob's inbox", bobs_task)

    if expect_reminder:
        step("beat -> RabbitMQ -> worker fires the SLA reminder")

        def reminded() -> bool:
            timeline = api.expect(
                200, "GET", f"/api/v1/contracts/{contract_id}/timeline", token=alice
            )
            return any(e.get("action") == "reminded" for e in timeline.get("items", []))

        _poll(f"a 'reminded' event in the timeline of contract {contract_id}", reminded)

    step(f"bob approves task {task['id']}")
    api.expect(
        200,
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        {"data": {"decision": "approve", "comment": "ok"}},
        bob,
    )

    step("the contract is approved")
    last: dict[str, Any] = {}

    def approved() -> bool:
        nonlocal last
        last = api.expect(200, "GET", f"/api/v1/contracts/{contract_id}", token=alice)
        return last.get("status") == "approved"

    try:
        _poll(f"contract {contract_id} to be approved", approved)
    except JourneyFailed as error:
        raise JourneyFailed(f"{error}; last seen: {last!r}") from error


def main(argv: list[str]) -> int:
    args = argv[1:]
    expect_reminder = "--expect-reminder" in args
    if expect_reminder:
        args.remove("--expect-reminder")
    if len(args) != 1:
        print(f"usage: {argv[0]} [--expect-reminder] BASE_URL", file=sys.stderr)
        return 2
    print(f"smoke journey against {args[0]}", flush=True)
    try:
        run(args[0], expect_reminder=expect_reminder)
    except JourneyFailed as error:
        print(f"smoke journey FAILED: {error}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, AttributeError) as error:
        print(f"smoke journey FAILED: unexpected response shape ({error!r})", file=sys.stderr)
        return 1
    print("smoke journey OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
