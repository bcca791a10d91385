"""Inbox at enterprise size: 100,000 contracts, 1,000,000 tasks; p50/p95 per tab, filter, sort.

Seeds a migrated database (demo users and groups, then bulk rows: executemany on SQLite,
COPY on PostgreSQL) and times, for a user of the busiest candidate group (carol, `legal`):

- **api**: `GET /api/v1/tasks?...` through the Flask test client with a bearer token
  (routing, auth, the inbox query and its count, JSON);
- **page**: `GET /inbox/?...` signed in (the whole HTML page: tab counts, list, nav counts).

Shape of the data (seed 20261127): 100,000 contracts over 6 departments and 4 types, amounts
from 1,000 to 5,000,000 CNY, 2,000 counterparties; one process instance per contract; ten
human tasks per instance (1,000,000 rows, one candidate row each). 2 % of the tasks are
ready (20,000), spread over the nine approver groups with `legal` the busiest (~8,000
ready); the rest are completed by the groups' members (20 per group), so carol has completed
~20,000. 5 % of the ready tasks are claimed; a quarter are overdue. The inbox's projection
(`inbox_entry`, three rows a task here) is then built in one INSERT ... SELECT pass.

    .venv/bin/python bench/inbox_scale.py --db sqlite
    .venv/bin/python bench/inbox_scale.py --db postgresql   # 127.0.0.1:5432, user postgres
    .venv/bin/python bench/inbox_scale.py --db sqlite --reuse   # skip seeding (same file)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

CONTRACTS = 100_000
TASKS_PER_INSTANCE = 10
READY_SHARE = 0.02
SEED = 20261127
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/contractflow_bench_inbox"
GROUP_WEIGHTS = {  # how often each group holds a ready task
    "legal": 40,
    "finance": 20,
    "executive": 8,
    "dept_manager:sales": 8,
    "dept_manager:procurement": 8,
    "dept_manager:rd": 6,
    "dept_manager:legal": 4,
    "dept_manager:finance": 3,
    "dept_manager:exec": 3,
}
CASES: list[tuple[str, str]] = [
    ("groups, due (default)", "scope=groups"),
    ("groups, sort created desc", "scope=groups&sort=-created"),
    ("groups, sort amount desc", "scope=groups&sort=-amount"),
    ("groups, type=purchase", "scope=groups&contract_type=purchase"),
    ("groups, department=sales", "scope=groups&department=sales"),
    ("groups, amount 1M-2M", "scope=groups&amount_min=1000000&amount_max=2000000"),
    ("groups, overdue", "scope=groups&due=overdue"),
    ("groups, due this week", "scope=groups&due=week"),
    ("groups, search counterparty", "scope=groups&q=Partner%2017"),
    ("groups, search number", "scope=groups&q=HT-2026-0004"),
    ("groups, page 50", "scope=groups&page=50"),
    ("mine", "scope=mine"),
    ("mine + groups (API default)", ""),
    ("completed", "scope=completed"),
    ("completed, sort amount", "scope=completed&sort=-amount"),
    ("started (alice)", "scope=started"),
]


def build_app(url: str, instance: Path) -> Any:
    from webui import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": instance,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "TICKER_ENABLED": False,
        }
    )


def reset_postgres() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS contractflow_bench_inbox WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE contractflow_bench_inbox"))
    admin.dispose()


def stamp(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(app: Any) -> dict[str, Any]:
    """Migrate, load demo users, then bulk-insert contracts, instances, tasks, candidates."""
    from contracts.core.models import Contract, ContractType, Counterparty
    from contracts.demo.seed import load_demo_data
    from contracts.identity.models import Department, User
    from contracts.inbox import projection as inbox_entries
    from engine.models import ProcessDefinition, ProcessInstance
    from webui.cli import upgrade_database
    from webui.extensions import db

    rng = random.Random(SEED)
    started = time.perf_counter()
    with app.app_context():
        upgrade_database(app)
        load_demo_data(db.session)
        db.session.commit()
        session = db.session
        types = dict(session.execute(select(ContractType.code, ContractType.id)).all())
        departments = dict(session.execute(select(Department.code, Department.id)).all())
        users = dict(session.execute(select(User.username, User.id)).all())
        # Each group is a team: the demo user and 19 colleagues share its work.
        leads = {
            "legal": "carol",
            "finance": "dave",
            "executive": "erin",
            "dept_manager:sales": "bob",
            "dept_manager:procurement": "grace",
            "dept_manager:rd": "judy",
        }
        members = {
            group: [leads.get(group, f"{group}-lead")]
            + [f"{group.replace(':', '-')}-{n:02d}" for n in range(1, 20)]
            for group in GROUP_WEIGHTS
        }
        drafters = ["alice", "frank", "ivan"]
        definition = ProcessDefinition(
            key="bench", name="bench", version=1, checksum="0" * 64, files={}
        )
        session.add(definition)
        session.flush()
        conn = session.connection()
        conn.execute(
            insert(Counterparty), [{"name": f"Partner {i} Co., Ltd."} for i in range(2000)]
        )
        counterparty_ids = list(session.scalars(select(Counterparty.id)))
        now = datetime.now(UTC)
        contracts, instances = [], []
        for i in range(1, CONTRACTS + 1):
            amount = rng.choice([rng.randint(1_000, 99_999), rng.randint(100_000, 5_000_000)])
            owner = rng.choice(drafters)
            created = now - timedelta(days=rng.randint(0, 720), minutes=rng.randint(0, 1440))
            number = f"HT-2026-{i:06d}"
            contracts.append(
                {
                    "number": number,
                    "title": f"{rng.choice(['Supply', 'Service', 'Lease', 'Licence', 'NDA'])} "
                    f"agreement {i}",
                    "contract_type_id": types[rng.choice(["purchase", "sales", "service", "nda"])],
                    "status": "in_review",
                    "amount": amount,
                    "currency": "CNY",
                    "amount_cny": amount,
                    "department_id": departments[
                        rng.choice(["sales", "procurement", "rd", "legal", "finance", "exec"])
                    ],
                    "counterparty_id": rng.choice(counterparty_ids),
                    "owner_id": users[owner],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            instances.append(
                {
                    "definition_id": definition.id,
                    "business_key": number,
                    "state": "{}",
                    "started_by": owner,
                    "started_at": created,
                    "updated_at": created,
                }
            )
        for chunk in range(0, CONTRACTS, 20_000):
            conn.execute(insert(Contract), contracts[chunk : chunk + 20_000])
            conn.execute(insert(ProcessInstance), instances[chunk : chunk + 20_000])
        instance_ids = list(
            session.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id))
        )
        groups, weights = zip(*GROUP_WEIGHTS.items(), strict=True)
        tasks, candidates = [], []
        task_id = 0
        for instance_id, created in zip(
            instance_ids, (c["created_at"] for c in contracts), strict=True
        ):
            for step in range(TASKS_PER_INSTANCE):
                task_id += 1
                group = rng.choices(groups, weights)[0]
                ready = rng.random() < READY_SHARE
                made = created + timedelta(hours=step * 7)
                due = (
                    now + timedelta(hours=rng.randint(-72, 24 * 9))
                    if ready
                    else made + timedelta(days=3)
                )
                assignee = None
                if ready and rng.random() < 0.05:
                    assignee = rng.choice(members[group])
                done_by = None if ready else rng.choice(members[group])
                tasks.append(
                    (
                        task_id,
                        instance_id,
                        f"{task_id:036d}",
                        f"approve_{step}",
                        f"Approval {step + 1}",
                        group,
                        "ready" if ready else "completed",
                        assignee or done_by,
                        None,
                        None,
                        stamp(made),
                        stamp(due),
                        None if ready else stamp(made + timedelta(hours=5)),
                        done_by,
                    )
                )
                candidates.append((task_id, group, None))
        bulk_tasks(session, tasks, candidates)
        # Rows bulk-loaded past the ORM: the inbox's projection is built in one pass, as
        # the migration backfills it (running steps keep it current themselves).
        inbox_entries.rebuild(session.connection())
        session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would: statistics, and a visibility map for index-only scans.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            session.execute(text("ANALYZE"))
            session.commit()
    return {"seconds": time.perf_counter() - started, "tasks": len(tasks)}


TASK_COLUMNS = (
    "id, instance_id, task_guid, bpmn_id, name, lane, status, assignee, form_schema, "
    "form_ui_schema, created_at, due_at, completed_at, completed_by"
)


def bulk_tasks(
    session: Any, tasks: list[tuple[Any, ...]], candidates: list[tuple[Any, ...]]
) -> None:
    """1,000,000 rows each: COPY on PostgreSQL, executemany on SQLite."""
    raw = session.connection().connection.dbapi_connection
    if session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY human_task ({TASK_COLUMNS}) FROM STDIN") as copy:
                for row in tasks:
                    copy.write_row(row)
            with cursor.copy(
                "COPY human_task_candidate (task_id, group_name, username) FROM STDIN"
            ) as copy:
                for row in candidates:
                    copy.write_row(row)
            cursor.execute("SELECT setval('human_task_id_seq', (SELECT max(id) FROM human_task))")
        return
    cursor = raw.cursor()
    marks = ", ".join("?" * 14)
    cursor.executemany(f"INSERT INTO human_task ({TASK_COLUMNS}) VALUES ({marks})", tasks)
    cursor.executemany(
        "INSERT INTO human_task_candidate (task_id, group_name, username) VALUES (?, ?, ?)",
        candidates,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(app: Any, rounds: int) -> list[dict[str, Any]]:
    """Time every case through the API and the page; p50/p95 in milliseconds."""
    from tests.factories import ApiClient

    results = []
    api = {u: ApiClient.sign_in(app.test_client(), u) for u in ("carol", "alice")}
    pages = {}
    for user in ("carol", "alice"):
        client = app.test_client()
        response = client.post("/login", data={"username": user, "password": "demo1234"})
        assert response.status_code == 302, response.status_code
        pages[user] = client
    for label, query in CASES:
        user = "alice" if "alice" in label else "carol"
        row: dict[str, Any] = {"case": label}
        for kind in ("api", "page"):
            path = f"/api/v1/tasks?{query}" if kind == "api" else f"/inbox/?{query}"
            timings, cpu = [], []
            for attempt in range(rounds + 3):
                begin, begin_cpu = time.perf_counter(), time.process_time()
                if kind == "api":
                    response = api[user].get(path)
                else:
                    response = pages[user].get(path)
                elapsed = (time.perf_counter() - begin) * 1000
                used = (time.process_time() - begin_cpu) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if attempt >= 3:  # warm-up: statement cache, page cache
                    timings.append(elapsed)
                    cpu.append(used)
            if kind == "api":
                row["total"] = response.get_json()["total"]
            row[f"{kind}_p50"] = statistics.median(timings)
            row[f"{kind}_p95"] = percentile(timings, 0.95)
            row[f"{kind}_cpu95"] = percentile(cpu, 0.95)
        results.append(row)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="measure an already seeded database")
    parser.add_argument("--path", default=str(Path(tempfile.gettempdir()) / "inbox_scale.db"))
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="inbox_scale_"))
    if args.db == "postgresql":
        if not args.reuse:
            reset_postgres()
        url = PG_URL
    else:
        if not args.reuse:
            Path(args.path).unlink(missing_ok=True)
        url = f"sqlite:///{args.path}"
    app = build_app(url, instance)
    if not args.reuse:
        info = seed(app)
        print(f"seeded {CONTRACTS:,} contracts, {info['tasks']:,} tasks in {info['seconds']:.0f} s")
    # No app context around the requests: each must get its own `g` (the signed-in user).
    rows = measure(app, args.rounds)
    print(f"\n{args.db}: p50 / p95 in ms, {args.rounds} rounds, user carol (legal) unless noted\n")
    print("| case | rows | API p50 | API p95 | API cpu p95 | page p50 | page p95 | page cpu p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['case']} | {r['total']:,} | {r['api_p50']:.1f} | {r['api_p95']:.1f} "
            f"| {r['api_cpu95']:.1f} | {r['page_p50']:.1f} | {r['page_p95']:.1f} "
            f"| {r['page_cpu95']:.1f} |"
        )
    worst_api = max(r["api_p95"] for r in rows)
    worst_page = max(r["page_p95"] for r in rows)
    print(
        f"\nworst API p95 {worst_api:.1f} ms (target 30), worst page p95 {worst_page:.1f} ms (100)"
    )


if __name__ == "__main__":
    main()
