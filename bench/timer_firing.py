"""Timer firing on PostgreSQL: due timers fired per second by 1 and 2 worker processes,
and the cost of the timer scan when nothing is due among 100,000 waiting instances.

Creates the database `contractflow_bench_timers` (dropped first if it exists, and
at the end unless --keep), migrates it, deploys a one-timer process and:

1. fire: for each worker count (1, then 2) starts N instances whose timer has
   been due for an hour (one started through engine.runtime an hour in the past,
   then copied row by row in SQL: same serialized workflow, own row), starts
   that many worker PROCESSES (multiprocessing, spawn), each with its own app
   and connection pool, and once all are ready lets them run
   engine.timers.fire_due_timers in a loop until nothing is due. Reports fired/s
   (N / wall time from "go" to the last worker done) and checks every instance
   has exactly one `timer_fired` history row.
2. scan: inserts --waiting instances with their timer a day ahead, ANALYZEs, and
   times engine.timers.claim_due_instances (batch 50, inside a transaction that
   is rolled back) --scans times: p50 / p95 / max in ms.

    .venv/bin/python bench/timer_firing.py                      # 10,000 timers, 100,000 waiting
    .venv/bin/python bench/timer_firing.py --n 2000 --waiting 20000 --json
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/contractflow_bench_timers
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/contractflow_bench_timers"
PROCESS = "timer_once"
# One intermediate timer and nothing else; shared with the worker integration test.
BPMN = (REPO_ROOT / "tests" / "engine" / "bpmn" / "timer_once.bpmn").read_text()
COLUMNS = (
    "definition_id, business_key, status, state, lock_version, next_timer_at, "
    "started_by, started_at, updated_at"
)


def app_for(url: str) -> Any:
    from webui import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "TICKER_ENABLED": False,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        }
    )


def admin_connection(url: str) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the database name must contain 'bench'")
    with admin_connection(url) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(url: str) -> None:
    """Migrate, deploy the one-timer process."""
    from engine.definitions import deploy
    from webui.cli import upgrade_database
    from webui.extensions import db

    app = app_for(url)
    with app.app_context():
        upgrade_database(app)
        deploy(db.session, {"timer_once.bpmn": BPMN}, actor="bench")
        db.session.commit()
        db.engine.dispose()


def add_instances(url: str, count: int, *, due: bool) -> None:
    """Start one instance through the engine, then copy its row `count - 1` times in SQL."""
    import time_machine
    from sqlalchemy import text

    from engine import clock, runtime
    from webui.extensions import db
    from webui.wiring import engine_environment

    app = app_for(url)
    with app.app_context():
        shift = -timedelta(hours=1) if due else timedelta(days=1)
        with time_machine.travel(clock.now() + shift):
            first = runtime.start_instance(
                db.session,
                PROCESS,
                business_key="bench-0",
                data={},
                actor="bench",
                env=engine_environment(app),
            )
            db.session.commit()
        db.session.execute(
            text(
                f"INSERT INTO process_instance ({COLUMNS}) "  # noqa: S608 - constant columns
                f"SELECT {COLUMNS.replace('business_key', ':prefix || g')} "
                "FROM process_instance, generate_series(1, :n) AS g WHERE id = :id"
            ),
            {"n": count - 1, "id": first.id, "prefix": "bench-"},
        )
        db.session.commit()
        db.session.execute(text("ANALYZE process_instance"))
        db.session.commit()
        db.engine.dispose()


def _worker(url: str, ready: Any, go: Any, results: Any) -> None:
    from engine.timers import fire_due_timers
    from webui.extensions import db
    from webui.wiring import engine_environment

    app = app_for(url)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connect now, not on the clock
        db.session.rollback()
        ready.put(os.getpid())
        go.wait()
        started = time.perf_counter()
        fired = 0
        while True:
            now_fired = fire_due_timers(db.session, engine_environment(app))
            fired += now_fired
            if now_fired == 0:
                break
        results.put((fired, time.perf_counter() - started))
        db.session.remove()
        db.engine.dispose()


def fire_round(url: str, n: int, workers: int) -> dict[str, Any]:
    from sqlalchemy import func, select, text

    from engine.models import InstanceEvent, InstanceStatus, ProcessInstance
    from webui.extensions import db

    add_instances(url, n, due=True)
    context = mp.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    processes = [
        context.Process(target=_worker, args=(url, ready, go, results)) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    started = time.perf_counter()
    go.set()
    per_worker = [results.get(timeout=1800) for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join(timeout=60)

    app = app_for(url)
    with app.app_context():
        events = db.session.scalar(
            select(func.count()).where(InstanceEvent.action == "timer_fired")
        )
        doubled = db.session.scalar(
            text(
                "SELECT count(*) FROM (SELECT instance_id FROM instance_event "
                "WHERE action = 'timer_fired' GROUP BY instance_id HAVING count(*) > 1) d"
            )
        )
        waiting = db.session.scalar(
            select(func.count()).where(ProcessInstance.status != InstanceStatus.COMPLETED)
        )
        # Clean slate for the next round.
        db.session.execute(text("TRUNCATE instance_event, process_instance CASCADE"))
        db.session.commit()
        db.engine.dispose()
    fired = sum(f for f, _ in per_worker)
    assert fired == n and events == n and not doubled and not waiting, (
        fired,
        events,
        doubled,
        waiting,
    )
    return {
        "workers": workers,
        "timers": n,
        "wall_s": round(wall, 2),
        "fired_per_s": round(n / wall, 1),
        "per_worker": [f for f, _ in per_worker],
    }


def scan_cost(url: str, waiting: int, scans: int) -> dict[str, Any]:
    from engine.timers import claim_due_instances
    from webui.extensions import db

    add_instances(url, waiting, due=False)
    app = app_for(url)
    timings: list[float] = []
    with app.app_context():
        for _ in range(10):  # warm-up: connection, statement cache
            claim_due_instances(db.session, limit=50)
            db.session.rollback()
        for _ in range(scans):
            started = time.perf_counter()
            ids = claim_due_instances(db.session, limit=50)
            timings.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
            assert ids == []
        plan = "\n".join(
            row[0]
            for row in db.session.execute(
                db.text(
                    "EXPLAIN ANALYZE SELECT id FROM process_instance WHERE next_timer_at <= now() "
                    "AND status = 'running' ORDER BY next_timer_at LIMIT 50 FOR UPDATE SKIP LOCKED"
                )
            )
        )
        db.session.rollback()
        db.engine.dispose()
    timings.sort()
    return {
        "waiting": waiting,
        "scans": scans,
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "max_ms": round(timings[-1], 3),
        "plan": plan,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="due timers per round")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--waiting", type=int, default=100_000, help="waiting instances (scan)")
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    recreate_database(url)
    try:
        prepare(url)
        rounds = [fire_round(url, args.n, w) for w in args.workers]
        scan = scan_cost(url, args.waiting, args.scans)
    finally:
        if not args.keep:
            recreate_database(url, drop_only=True)
    report = {"machine": machine(), "fire": rounds, "scan": scan}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"machine: {report['machine']}")
    for r in rounds:
        print(
            f"fire   {r['timers']:>6} due timers, {r['workers']} worker(s): {r['wall_s']:>7.2f} s "
            f"= {r['fired_per_s']:>7.1f} fired/s  (per worker {r['per_worker']})"
        )
    print(
        f"scan   nothing due among {scan['waiting']} waiting: p50 {scan['p50_ms']} ms, "
        f"p95 {scan['p95_ms']} ms, max {scan['max_ms']} ms over {scan['scans']} scans"
    )
    print(scan["plan"])


if __name__ == "__main__":
    main()
