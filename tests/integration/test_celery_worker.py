"""A Celery task goes through RabbitMQ to a separately started worker and changes the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from kombu import Connection
from sqlalchemy import func, select

from contracts.identity.models import User
from contracts.notifications.models import Notification
from engine import clock
from engine.models import InstanceEvent, ProcessInstance
from tests.integration.conftest import broker_url
from tests.integration.support import wait_for
from webui.config import REPO_ROOT
from webui.extensions import db

pytestmark = pytest.mark.integration

CELERY = Path(sys.executable).parent / "celery"
TIMEOUT_SECONDS = 60


class Worker:
    """A `celery worker` subprocess in its own process group, consuming only `queue`."""

    def __init__(self, database_url: str, queue: str, log_path: Path) -> None:
        self.queue = queue
        self.log_path = log_path
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url(),
            "CONTRACTFLOW_TICKER": "0",
            "SECRET_KEY": "integration-worker",
            "CONTRACTFLOW_INSTANCE_DIR": str(log_path.parent),
            "PYTHONUNBUFFERED": "1",
        }
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "webui.wsgi:celery",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "-Q",
                queue,
                "--hostname",
                f"{queue}@%h",
                # Keep to itself: no chatter with (or waiting on) other workers of this broker.
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it takes its pool children
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"celery worker exited with {self.process.returncode}")
            return " ready." in self.log()

        wait_for("the celery worker to be ready", ready, timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self._log.close()


@pytest.fixture
def worker(pg_url: str, tmp_path: Path) -> Iterator[Worker]:
    queue = f"contractflow-it-{uuid.uuid4().hex[:12]}"
    started = Worker(pg_url, queue, tmp_path / "worker.log")
    try:
        yield started
    finally:
        started.stop()
        log = started.log()
        print(f"----- celery worker log ({started.log_path}) -----\n{log}")  # shown on failure
        with Connection(broker_url(), connect_timeout=5) as connection:
            connection.default_channel.queue_delete(queue)


def send(task_name: str, queue: str) -> None:
    """Publish a task by name to the broker (the test process has no worker and no eager mode)."""
    sender = Celery("integration-sender", broker=broker_url(), set_as_current=False)
    try:
        sender.send_task(task_name, queue=queue)
    finally:
        sender.close()


def test_fire_due_timers_runs_on_a_separate_worker_through_rabbitmq(make_app, api_for, worker):
    app = make_app(APPROVAL_SLA_PERIOD="PT1S")
    alice = api_for(app)("alice")
    contract = alice.create_contract(title="Slow approver", amount="50000.00")
    submitted = alice.submit(contract["id"])
    instance_id = submitted["process_instance_id"]

    with app.app_context():
        due = db.session.get(ProcessInstance, instance_id).next_timer_at
        assert due is not None and due <= clock.now() + timedelta(seconds=2)
        bob_id = db.session.scalar(select(User.id).where(User.username == "bob"))

    worker.wait_ready(timeout=TIMEOUT_SECONDS)
    time.sleep(max(0.0, (due - clock.now()).total_seconds()) + 0.1)
    send("engine.fire_due_timers", worker.queue)

    def reminded() -> bool:
        with app.app_context():
            try:
                events = db.session.scalar(
                    select(func.count()).where(
                        InstanceEvent.instance_id == instance_id, InstanceEvent.action == "reminded"
                    )
                )
                notes = db.session.scalar(
                    select(func.count()).where(
                        Notification.user_id == bob_id, Notification.kind == "task_reminder"
                    )
                )
                return bool(events and notes)
            finally:
                db.session.remove()

    wait_for("the worker to fire the SLA reminder", reminded, timeout=TIMEOUT_SECONDS)

    with app.app_context():
        fired = db.session.scalars(
            select(InstanceEvent.bpmn_id).where(
                InstanceEvent.instance_id == instance_id, InstanceEvent.action == "timer_fired"
            )
        ).all()
        assert fired == ["sla_reminder"]
        note = db.session.scalars(
            select(Notification).where(
                Notification.user_id == bob_id, Notification.kind == "task_reminder"
            )
        ).one()
        assert contract["number"] in note.message
    timeline = alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    assert [e["action"] for e in timeline] == ["submitted", "reminded"]
    # It was the worker, not this process, that ran the task.
    assert "engine.fire_due_timers" in worker.log() and "succeeded" in worker.log()
