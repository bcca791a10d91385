"""Due timers fire exactly once with two real `celery worker`s and `celery beat` on RabbitMQ.

The test starts the processes itself (`contractflow worker` / `contractflow beat`,
each in its own process group) on a queue of its own, with beat sending the
timer job every second. Timers are made due by starting the instances an hour
in the past (time-machine in this process only): the workers see them due at
once. Counted are the `timer_fired` history rows of every instance. Then a
worker is killed with SIGKILL in the middle of its work, and RabbitMQ is
stopped and started during a run: still each timer fires once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from kombu import Connection
from sqlalchemy import func, select

from engine import clock, runtime
from engine.definitions import deploy
from engine.models import InstanceEvent, InstanceStatus, ProcessInstance
from tests.integration.conftest import broker_url
from tests.integration.support import wait_for
from webui.config import REPO_ROOT
from webui.extensions import db
from webui.wiring import engine_environment

pytestmark = pytest.mark.integration

CONTRACTFLOW = Path(sys.executable).parent / "contractflow"
PROCESS = "timer_once"
START_TIMEOUT = 60
FIRE_TIMEOUT = 90
# One intermediate timer and nothing else; shared with bench/timer_firing.py.
BPMN = (Path(__file__).resolve().parents[1] / "engine" / "bpmn" / "timer_once.bpmn").read_text()


class Service:
    """`contractflow worker|beat ARGS`: a subprocess in its own process group, logged to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(CONTRACTFLOW), *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it takes its pool children
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self._log.close()


class Cluster:
    """Two workers and beat on one queue of their own."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.folder = folder
        self.queue = f"contractflow-it-timers-{uuid.uuid4().hex[:12]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url(),
            "CONTRACTFLOW_CELERY_QUEUE": self.queue,
            "CONTRACTFLOW_TIMER_INTERVAL": "1",
            "CONTRACTFLOW_OUTBOX_INTERVAL": "3600",
            "CONTRACTFLOW_TICKER": "0",
            "SECRET_KEY": "integration-timers",
            "CONTRACTFLOW_INSTANCE_DIR": str(folder),
            "PYTHONUNBUFFERED": "1",
            # The code of this checkout, whatever the installed package points at.
            "PYTHONPATH": str(REPO_ROOT),
        }
        self.services: list[Service] = []

    def worker(self, name: str) -> Service:
        service = Service(
            name,
            [
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--hostname",
                f"{name}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            self.env,
            self.folder / f"{name}.log",
        )
        self.services.append(service)
        return service

    def beat(self) -> Service:
        service = Service(
            "beat",
            [
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.folder / 'celerybeat-schedule'}",
                f"--pidfile={self.folder / 'celerybeat.pid'}",
            ],
            self.env,
            self.folder / "beat.log",
        )
        self.services.append(service)
        return service

    def wait_ready(self, worker: Service) -> None:
        def ready() -> bool:
            if not worker.alive():
                raise AssertionError(f"{worker.name} exited with {worker.process.returncode}")
            return " ready." in worker.log()

        wait_for(f"{worker.name} to be ready", ready, timeout=START_TIMEOUT)

    def stop(self) -> None:
        for service in self.services:
            service.stop()

    def logs(self) -> str:
        return "\n".join(
            f"----- {s.name} log ({s.log_path}) -----\n{s.log()}" for s in self.services
        )


@pytest.fixture
def cluster(pg_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Cluster]:
    started = Cluster(pg_url, tmp_path)
    try:
        yield started
    finally:
        started.stop()
        print(started.logs())  # shown when the test failed
        _wait_for_port(timeout=60)  # a failed broker test must not leave RabbitMQ down
        with Connection(broker_url(), connect_timeout=5) as connection:
            connection.default_channel.queue_delete(started.queue)


@pytest.fixture
def start_due(app) -> Callable[[int], list[int]]:
    """`start_due(n)`: n instances of a one-timer process, each timer due for an hour already."""
    with app.app_context():
        deploy(db.session, {"timer_once.bpmn": BPMN}, actor="test")
        db.session.commit()

    def start(count: int) -> list[int]:
        ids: list[int] = []
        with app.app_context(), time_machine.travel(clock.now() - timedelta(hours=1)):
            for n in range(count):
                instance = runtime.start_instance(
                    db.session,
                    PROCESS,
                    business_key=f"T-{n}",
                    data={},
                    actor="test",
                    env=engine_environment(),
                )
                ids.append(instance.id)
                if n % 200 == 199:
                    db.session.commit()
            db.session.commit()
            db.session.remove()
        return ids

    return start


def fired_counts(app, ids: list[int]) -> dict[int, int]:
    with app.app_context():
        try:
            rows = db.session.execute(
                select(InstanceEvent.instance_id, func.count())
                .where(InstanceEvent.instance_id.in_(ids), InstanceEvent.action == "timer_fired")
                .group_by(InstanceEvent.instance_id)
            ).all()
            return {instance_id: count for instance_id, count in rows}
        finally:
            db.session.remove()


def wait_all_fired(app, ids: list[int], cluster: Cluster) -> None:
    def done() -> bool:
        for service in cluster.services:
            if service.name == "beat" and not service.alive():
                raise AssertionError("celery beat exited")
        return len(fired_counts(app, ids)) == len(ids)

    wait_for(f"{len(ids)} timers to fire", done, timeout=FIRE_TIMEOUT, interval=0.5)


def assert_each_fired_once(app, ids: list[int]) -> None:
    counts = fired_counts(app, ids)
    assert set(counts) == set(ids), f"{len(set(ids) - set(counts))} timers never fired"
    doubled = {i: c for i, c in counts.items() if c != 1}
    assert not doubled, f"timers fired more than once: {doubled}"
    with app.app_context():
        try:
            statuses = dict(
                db.session.execute(
                    select(ProcessInstance.status, func.count())
                    .where(ProcessInstance.id.in_(ids))
                    .group_by(ProcessInstance.status)
                ).all()
            )
        finally:
            db.session.remove()
    assert statuses == {InstanceStatus.COMPLETED: len(ids)}, statuses


def _port_open() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


def _wait_for_port(timeout: float) -> None:
    wait_for("RabbitMQ to answer on port 5672", _port_open, timeout=timeout)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


def start_cluster(cluster: Cluster) -> tuple[Service, Service]:
    first, second = cluster.worker("worker1"), cluster.worker("worker2")
    cluster.wait_ready(first)
    cluster.wait_ready(second)
    cluster.beat()
    return first, second


def test_a_thousand_due_timers_fire_once_on_two_workers(app, start_due, cluster):
    ids = start_due(1000)
    first, second = start_cluster(cluster)
    wait_all_fired(app, ids, cluster)
    assert_each_fired_once(app, ids)
    # Both workers took part.
    for worker in (first, second):
        assert "engine.fire_due_timers" in worker.log(), worker.name


def in_a_timer_job(worker: Service) -> bool:
    """The worker received a timer job and has not finished it (its log says so)."""
    log = worker.log()
    return log.count("] received") > log.count("] succeeded in ")


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(app, start_due, cluster):
    ids = start_due(1000)
    workers = start_cluster(cluster)

    def busy_worker() -> Service | None:
        if not 100 <= len(fired_counts(app, ids)) < 800:
            return None
        return next((w for w in workers if in_a_timer_job(w)), None)

    victim = wait_for(
        "a worker in the middle of the timers", busy_worker, timeout=FIRE_TIMEOUT, interval=0.05
    )
    (survivor,) = [w for w in workers if w is not victim]
    victim.kill(signal.SIGKILL)
    assert victim.process.returncode == -signal.SIGKILL
    assert in_a_timer_job(victim), victim.log()  # it died inside the job, not after it
    wait_all_fired(app, ids, cluster)
    assert_each_fired_once(app, ids)
    assert survivor.alive()


def test_rabbitmq_restarted_during_the_run(app, start_due, cluster):
    ids = start_due(500)
    start_cluster(cluster)
    wait_for(
        "the first timers to fire",
        lambda: len(fired_counts(app, ids)) >= 50,
        timeout=FIRE_TIMEOUT,
        interval=0.05,
    )
    rabbitmqctl("stop_app")
    try:
        assert not _port_open()
        # Due while the broker is away: only a recovered beat and worker can fire them.
        later = start_due(300)
        time.sleep(3)
    finally:
        rabbitmqctl("start_app")
        _wait_for_port(timeout=60)
    wait_all_fired(app, ids + later, cluster)
    assert_each_fired_once(app, ids + later)
