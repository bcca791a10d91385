"""Restored workflows are reused only when the saved state is exactly theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions, runtime
from engine.errors import WorkflowStepError
from engine.models import HumanTask
from engine.spiff import serializer
from engine.spiff.workflow_cache import workflow_cache
from tests.engine.conftest import review_bundle


@pytest.fixture
def loads_calls(monkeypatch):
    calls = []
    real = serializer.loads

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(serializer, "loads", counting)
    return calls


def _started(session, env):
    definitions.deploy(session, review_bundle())
    instance = runtime.start_instance(
        session, "review", business_key=None, data={}, actor="a", env=env
    )
    session.commit()
    [task] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all()
    return instance, task


def test_the_next_step_reuses_the_saved_workflow(session, env, loads_calls):
    workflow_cache.clear()
    instance, task = _started(session, env)
    runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="r", env=env)
    session.commit()
    assert loads_calls == []  # the object saved by start_instance was reused
    runtime.deliver_message(session, instance.id, "ack", {}, env=env)
    assert loads_calls == []


def test_a_failed_step_never_leaves_its_half_changed_workflow_behind(
    session, operators, env, loads_calls
):
    workflow_cache.clear()
    instance, task = _started(session, env)

    def explode(ctx, params):
        raise WorkflowStepError("boom")

    operators.register("test/Record", explode)
    with pytest.raises(WorkflowStepError):
        runtime.complete_task(session, task.id, {"verdict": "bad"}, actor="r", env=env)
    session.rollback()
    operators.register("test/Record", lambda ctx, params: {"ok": True})
    runtime.complete_task(session, task.id, {"verdict": "good"}, actor="r", env=env)
    session.commit()
    assert loads_calls == [1]  # the failed step's object was dropped: restored from the database
    assert runtime.instance_data(session, instance.id)["verdict"] == "good"


def test_a_state_written_elsewhere_is_restored_from_the_database(session, env, loads_calls):
    workflow_cache.clear()
    instance, task = _started(session, env)
    instance.state = instance.state.replace(
        '"data":{}', '"data":{"x":1}', 1
    )  # another process saved
    session.commit()
    runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="r", env=env)
    assert loads_calls == [1]


def test_cache_size_comes_from_the_environment(monkeypatch):
    from engine.spiff.workflow_cache import DEFAULT_SIZE
    from webui.config import workflow_cache_size as configured_size

    monkeypatch.delenv("CONTRACTFLOW_WORKFLOW_CACHE_SIZE", raising=False)
    assert configured_size() == DEFAULT_SIZE == 1024
    monkeypatch.setenv("CONTRACTFLOW_WORKFLOW_CACHE_SIZE", "0")
    assert configured_size() == 0
    monkeypatch.setenv("CONTRACTFLOW_WORKFLOW_CACHE_SIZE", "lots")
    with pytest.raises(ValueError, match="whole number"):
        configured_size()


def test_a_put_and_a_take_hash_the_state_once_each(monkeypatch):
    from engine.spiff import workflow_cache as module

    hashed: list[int] = []
    real = module._key

    def counting(instance_id, state):
        hashed.append(instance_id)
        return real(instance_id, state)

    monkeypatch.setattr(module, "_key", counting)
    cache = module.WorkflowCache(size=4)
    workflow = type("Workflow", (), {"spec": object()})()
    cache.put(7, '{"tasks":{}}', workflow)
    assert hashed == [7]
    assert cache.take(7, '{"tasks":{}}', workflow.spec) is workflow
    assert hashed == [7, 7]
