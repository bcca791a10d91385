"""Chaos on PostgreSQL + RabbitMQ: the ERP is down, the worker is killed, webhooks come twice.

Every message still ends delivered exactly once (counted by Idempotency-Key at
the stand-in ERP), and the purchase fulfilment process finishes.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection
from sqlalchemy import func, select

from connectors.models import InboundEvent
from engine.models import InstanceStatus, OutboxMessage, OutboxStatus, ProcessInstance
from tests.connectors.conftest import configure, po_created, post_webhook
from tests.connectors.remote import RemoteSystem
from tests.integration.conftest import broker_url
from tests.integration.support import wait_for
from tests.integration.test_celery_worker import Worker, send
from webui.extensions import db

pytestmark = pytest.mark.integration

TIMEOUT_SECONDS = 60


@pytest.fixture
def remote() -> Iterator[RemoteSystem]:
    system = RemoteSystem().start()
    yield system
    system.stop()


@pytest.fixture
def shared_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app here and the worker there decrypt connector secrets with the same key."""
    monkeypatch.setenv("CONTRACTFLOW_SECRET_KEY_FILE", str(tmp_path / "secrets.key"))
    monkeypatch.setenv("CONTRACTFLOW_OUTBOX_BASE_DELAY", "0.5")


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"contractflow-it-{uuid.uuid4().hex[:12]}"
    yield name
    with Connection(broker_url(), connect_timeout=5) as connection:
        connection.default_channel.queue_delete(name)


def start_worker(pg_url: str, queue: str, log: Path) -> Worker:
    worker = Worker(pg_url, queue, log)
    worker.wait_ready(timeout=TIMEOUT_SECONDS)
    return worker


def kill(worker: Worker) -> None:
    """SIGKILL: no clean shutdown, whatever it was doing is lost mid-flight."""
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=15)
    worker.stop()


def erp_message(app) -> OutboxMessage:
    with app.app_context():
        try:
            row = db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.channel == "erp")
            ).one()
            db.session.expunge(row)
            return row
        finally:
            db.session.remove()


def test_erp_down_worker_killed_duplicate_webhooks_end_delivered_exactly_once(
    make_app, api_for, pg_url, shared_secrets, remote, queue, tmp_path
):
    app = make_app(OUTBOX_BASE_DELAY_SECONDS=0.5)
    configure(app, "erp", remote.url)
    remote.fail_first = 3
    api = api_for(app)
    contract = api("frank").create_contract(
        title="Forklifts", contract_type="purchase", department="procurement", amount="60000.00"
    )
    api("frank").submit(contract["id"])
    api("grace").approve(contract["id"])
    message = erp_message(app)
    assert message.status == OutboxStatus.PENDING

    def delivered() -> bool:
        if erp_message(app).status == OutboxStatus.DELIVERED:
            return True
        send("engine.deliver_outbox", queue)
        time.sleep(0.5)
        return False

    workers: list[Worker] = []
    try:
        workers.append(start_worker(pg_url, queue, tmp_path / "worker-1.log"))
        send("engine.deliver_outbox", queue)
        wait_for(
            "the first failed attempt",
            lambda: erp_message(app).attempts >= 1,
            timeout=TIMEOUT_SECONDS,
        )
        kill(workers[0])
        workers.append(start_worker(pg_url, queue, tmp_path / "worker-2.log"))
        wait_for("the ERP message to be delivered", delivered, timeout=TIMEOUT_SECONDS)
    finally:
        for worker in workers:
            worker.stop()
            print(worker.log())  # shown on failure

    assert erp_message(app).attempts == 4
    assert remote.by_key == {message.idempotency_key: 1}

    client = app.test_client()
    answers = [
        post_webhook(client, "erp", po_created(contract["number"]), delivery="po-dup")
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({str(a.get_json()) for a in answers}) == 1
    with app.app_context():
        instance = db.session.get(ProcessInstance, message.instance_id)
        assert instance.status == InstanceStatus.COMPLETED
        assert db.session.scalar(select(func.count(InboundEvent.id))) == 1
        db.session.remove()
