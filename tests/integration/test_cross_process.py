"""An instance started by one app process is finished by another (state lives in the database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from engine.definitions import spec_cache
from engine.models import InstanceEvent, InstanceStatus, ProcessInstance
from webui.config import REPO_ROOT
from webui.extensions import db

pytestmark = pytest.mark.integration

# Runs in a fresh interpreter: its own app, spec cache and connection pool.
START_ELSEWHERE = """
import json, os
from tests.factories import ApiClient
from webui import create_app
from webui.extensions import db
from engine.definitions import spec_cache

app = create_app({"TESTING": True, "TICKER_ENABLED": False, "SECRET_KEY": "x"})
assert app.config["SQLALCHEMY_DATABASE_URI"] == os.environ["DATABASE_URL"]
alice = ApiClient.sign_in(app.test_client(), "alice")
contract = alice.create_contract(title="Started elsewhere", amount="2000000.00")
submitted = alice.submit(contract["id"])
with app.app_context():
    db.engine.dispose()
print(json.dumps({"pid": os.getpid(), "contract": submitted, "parsed": len(spec_cache._bundles)}))
"""


def test_instance_started_in_one_process_is_finished_in_another(pg_url, app, api, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(
        DATABASE_URL=pg_url,
        CONTRACTFLOW_INSTANCE_DIR=str(tmp_path),
        PYTHONPATH=str(REPO_ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-c", START_ELSEWHERE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    started = json.loads(done.stdout.strip().splitlines()[-1])
    assert started["pid"] != os.getpid()
    assert started["parsed"] == 1  # the other process parsed the process itself
    contract = started["contract"]
    assert contract["status"] == "in_review"

    # This process has never seen the instance, and must not lean on a warm cache either.
    spec_cache.clear()
    for approver in ("bob", "carol", "dave", "erin"):
        result = api(approver).approve(contract["id"], comment=f"{approver} agrees")
    assert result["contract"]["status"] == "approved"

    alice = api("alice")
    assert alice.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"
    timeline = alice.get(f"/api/v1/contracts/{contract['id']}/timeline").get_json()["items"]
    assert [(e["action"], e["actor"]) for e in timeline if e["action"] != "status_changed"] == [
        ("submitted", "alice"),
        ("approved", "bob"),
        ("approved", "carol"),
        ("approved", "dave"),
        ("approved", "erin"),
    ]
    with app.app_context():
        instance = db.session.get(ProcessInstance, contract["process_instance_id"])
        assert instance.status == InstanceStatus.COMPLETED
        assert instance.started_by == "alice"
        actions = db.session.scalars(
            select(InstanceEvent.action)
            .where(InstanceEvent.instance_id == instance.id)
            .order_by(InstanceEvent.id)
        ).all()
        assert actions[0] == "started" and actions[-1] == "completed"
