"""The runtime: load -> act -> save, one transaction, optimistic locking, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from engine import clock, definitions, runtime, timers
from engine.errors import ConcurrentUpdateError, TaskNotReadyError, WorkflowStepError
from engine.models import HumanTask, HumanTaskStatus, InstanceEvent, InstanceStatus, ProcessInstance
from tests.engine.conftest import review_bundle


def _start(session, env):
    definitions.deploy(session, review_bundle())
    instance = runtime.start_instance(
        session,
        "review",
        business_key="R-1",
        data={"subject": "lease"},
        actor="ann",
        env=env,
    )
    session.commit()
    return instance


def _ready(session, instance):
    return session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "ready")
    ).all()


def test_start_projects_the_user_task_with_lane_group_and_due_date(session, env):
    instance = _start(session, env)
    [task] = _ready(session, instance)
    assert (task.bpmn_id, task.name, task.candidate_groups) == (
        "review_task",
        "Review it",
        ["reviewers"],
    )
    assert timedelta(hours=1, minutes=59) < task.due_at - clock.now() <= timedelta(hours=2)
    assert instance.status == InstanceStatus.RUNNING
    assert '"spec"' not in instance.state  # the spec is stored by reference, not per instance


def test_full_run_with_operator_message_and_timer(session, env, recorded):
    instance = _start(session, env)
    [task] = _ready(session, instance)
    runtime.complete_task(session, task.id, {"verdict": "fine"}, actor="rita", env=env)
    session.commit()
    assert recorded == [{"what": "fine"}]
    assert runtime.instance_data(session, instance.id)["recorded"] == {"ok": True, "what": "fine"}
    assert instance.next_timer_at is None

    assert runtime.deliver_message(session, instance.id, "nothing", {}, env=env) is False
    assert runtime.deliver_message(session, instance.id, "ack", {"by": "erp"}, env=env)
    session.commit()
    due = instance.next_timer_at
    assert due is not None and timedelta(hours=23) < due - clock.now() <= timedelta(days=1)

    assert timers.fire_due_timers(session, env) == 0
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert timers.fire_due_timers(session, env) == 1
        assert timers.fire_due_timers(session, env) == 0  # never twice
    session.refresh(instance)
    assert instance.status == InstanceStatus.COMPLETED
    actions = [e.action for e in runtime.history(session, [instance.id])]
    assert actions == [
        "started",
        "task_completed",
        "recorded",
        "message_received",
        "timer_fired",
        "completed",
    ]


def test_a_failing_step_leaves_nothing_half_written(session, operators, env):
    instance = _start(session, env)
    [task] = _ready(session, instance)
    state, events = instance.state, session.scalar(select(func.count(InstanceEvent.id)))

    def explode(ctx, params):
        ctx.record_event("half-done")
        raise WorkflowStepError("ERP is on fire")

    operators.register("test/Record", explode)
    with pytest.raises(WorkflowStepError):
        runtime.complete_task(session, task.id, {"verdict": "fine"}, actor="rita", env=env)
    session.rollback()
    session.refresh(instance)
    assert instance.state == state
    assert session.scalar(select(func.count(InstanceEvent.id))) == events
    assert session.get(HumanTask, task.id).status == HumanTaskStatus.READY


def test_concurrent_writers_one_wins_the_other_gets_a_conflict(db_url, session, env):
    instance = _start(session, env)
    [task] = _ready(session, instance)
    other_engine = create_engine(db_url)
    with Session(other_engine) as other:
        other.get(ProcessInstance, instance.id)  # both load the same version
        other_task = other.get(HumanTask, task.id)
        assert other_task.status == "ready"
        runtime.complete_task(session, task.id, {"verdict": "a"}, actor="a", env=env)
        session.commit()
        with pytest.raises((ConcurrentUpdateError, TaskNotReadyError)):
            runtime.complete_task(other, task.id, {"verdict": "b"}, actor="b", env=env)
        other.rollback()
    other_engine.dispose()
    session.refresh(instance)
    data = runtime.instance_data(session, instance.id)
    assert data["verdict"] == "a"


def test_completing_a_finished_task_is_refused(session, env):
    instance = _start(session, env)
    [task] = _ready(session, instance)
    runtime.complete_task(session, task.id, {"verdict": "a"}, actor="a", env=env)
    session.commit()
    with pytest.raises(TaskNotReadyError):
        runtime.complete_task(session, task.id, {"verdict": "b"}, actor="b", env=env)


def test_unknown_operator_names_the_element(session):
    from engine.environment import EngineEnvironment

    definitions.deploy(session, review_bundle())
    instance = runtime.start_instance(
        session, "review", business_key=None, data={}, actor=None, env=EngineEnvironment()
    )
    [task] = _ready(session, instance)
    with pytest.raises(WorkflowStepError, match="unknown service-task operator 'test/Record'"):
        runtime.complete_task(
            session, task.id, {"verdict": "x"}, actor="a", env=EngineEnvironment()
        )


def test_a_broken_timer_marks_the_instance_failed_and_others_still_fire(session, env):
    first = _start(session, env)
    second = runtime.start_instance(
        session, "review", business_key="R-2", data={}, actor="ann", env=env
    )
    session.commit()
    for instance in (first, second):
        [task] = _ready(session, instance)
        runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="r", env=env)
        runtime.deliver_message(session, instance.id, "ack", {}, env=env)
        session.commit()
    first.state = '{"tasks": "garbage"}'  # one instance's saved state is corrupt
    session.commit()
    with time_machine.travel(clock.now() + timedelta(days=2), tick=False):
        fired = timers.fire_due_timers(session, env)
    session.refresh(first)
    session.refresh(second)
    assert fired == 1
    assert second.status == InstanceStatus.COMPLETED
    assert first.status == InstanceStatus.ERROR
    assert "cannot be read" in first.error
    assert first.next_timer_at is None  # not picked up again and again


def test_an_operator_bug_marks_only_its_instance_failed(session, env, monkeypatch):
    broken = _start(session, env)
    healthy = runtime.start_instance(
        session, "review", business_key="R-3", data={}, actor="a", env=env
    )
    session.commit()
    for instance in (broken, healthy):
        [task] = _ready(session, instance)
        runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="r", env=env)
        runtime.deliver_message(session, instance.id, "ack", {}, env=env)
        session.commit()
    real_fire = runtime.fire_timers

    def fire_with_a_bug(session, instance_id, **kwargs):
        if instance_id == broken.id:
            raise RuntimeError("a programming error, not an EngineError")
        return real_fire(session, instance_id, **kwargs)

    monkeypatch.setattr(timers.runtime, "fire_timers", fire_with_a_bug)
    with time_machine.travel(clock.now() + timedelta(days=2), tick=False):
        assert timers.fire_due_timers(session, env) == 1
    session.refresh(broken)
    session.refresh(healthy)
    assert healthy.status == InstanceStatus.COMPLETED
    assert broken.status == InstanceStatus.ERROR and "RuntimeError" in broken.error
    assert broken.next_timer_at is None


def test_an_instance_that_stays_due_is_visited_once_per_run(session, env, monkeypatch):
    instance = _start(session, env)
    [task] = _ready(session, instance)
    runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="r", env=env)
    runtime.deliver_message(session, instance.id, "ack", {}, env=env)
    session.commit()
    # The index keeps saying "due" although SpiffWorkflow fires nothing (a timer it
    # does not consider due yet, or one the index cannot see).
    stuck = clock.now() - timedelta(minutes=1)
    monkeypatch.setattr(runtime.wf, "next_timer_at", lambda workflow: stuck)
    instance.next_timer_at = stuck
    session.commit()
    visits = []
    real_fire = runtime.fire_timers

    def counting_fire(session, instance_id, **kwargs):
        visits.append(instance_id)
        assert len(visits) < 5, "the timer job keeps claiming the same instance"
        return real_fire(session, instance_id, **kwargs)

    monkeypatch.setattr(timers.runtime, "fire_timers", counting_fire)
    assert timers.fire_due_timers(session, env) == 0
    assert visits == [instance.id]
    session.refresh(instance)
    assert instance.status == InstanceStatus.RUNNING


def test_a_task_taken_away_by_an_interrupting_timer_leaves_the_inbox(session, env):
    from tests.engine.conftest import BPMN_DIR

    definitions.deploy(session, {"deadline.bpmn": (BPMN_DIR / "deadline.bpmn").read_text()})
    instance = runtime.start_instance(
        session, "deadline", business_key="D-1", data={}, actor="a", env=env
    )
    session.commit()
    [answer] = _ready(session, instance)
    assert answer.candidate_groups == ["clerks"]
    with time_machine.travel(clock.now() + timedelta(hours=2), tick=False):
        assert timers.fire_due_timers(session, env) == 1
    session.refresh(answer)
    assert answer.status == HumanTaskStatus.CANCELLED
    [apologise] = _ready(session, instance)
    assert (apologise.bpmn_id, apologise.candidate_groups) == ("apologise", ["managers"])
    with pytest.raises(TaskNotReadyError):
        runtime.complete_task(session, answer.id, {}, actor="late", env=env)
