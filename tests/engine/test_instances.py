"""Admin actions on instances: suspend, resume, terminate, retry, migrate; the heatmap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import definitions, instances, runtime, timers
from engine.errors import ConflictError
from engine.models import HumanTask, HumanTaskStatus, InstanceEvent, InstanceStatus
from tests.engine.conftest import review_bundle


def _start(session, env):
    definitions.deploy(session, review_bundle())
    instance = runtime.start_instance(
        session, "review", business_key="B-1", data={}, actor="a", env=env
    )
    session.flush()
    return instance


def _open_task(session, instance_id):
    return session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status == HumanTaskStatus.READY
        )
    ).one()


def test_suspend_blocks_completion_and_resume_allows_it(session, env):
    instance = _start(session, env)
    task = _open_task(session, instance.id)
    instances.suspend(session, instance.id, actor="admin", comment="audit")
    with pytest.raises(ConflictError):
        runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="a", env=env)
    instances.resume(session, instance.id, actor="admin")
    runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="a", env=env)
    actions = [e.action for e in runtime.history(session, [instance.id])]
    assert "suspended" in actions and "resumed" in actions


def test_a_suspended_instance_fires_no_timer(session, env):
    instance = _start(session, env)
    instance.next_timer_at = datetime(2000, 1, 1, tzinfo=UTC)
    instances.suspend(session, instance.id, actor="admin")
    session.commit()
    assert timers.claim_due_instances(session, limit=10) == []


def test_terminate_cancels_open_tasks_and_timers(session, env):
    instance = _start(session, env)
    instance.next_timer_at = datetime(2030, 1, 1, tzinfo=UTC)
    instances.terminate(session, instance.id, actor="admin", env=env, comment="duplicate")
    assert instance.status == InstanceStatus.TERMINATED and instance.next_timer_at is None
    statuses = {t.status for t in session.scalars(select(HumanTask))}
    assert statuses == {HumanTaskStatus.CANCELLED}
    with pytest.raises(ConflictError):
        instances.resume(session, instance.id, actor="admin")


def test_retry_puts_a_failed_instance_back_to_running(session, env):
    instance = _start(session, env)
    instance.status = InstanceStatus.ERROR
    instance.error = "boom"
    outcome = instances.retry(session, instance.id, actor="admin", env=env)
    assert outcome.succeeded and outcome.instance.status == InstanceStatus.RUNNING
    assert outcome.instance.error is None
    events = session.scalars(select(InstanceEvent.action)).all()
    assert "retried" in events
    with pytest.raises(ConflictError):
        instances.retry(session, instance.id, actor="admin", env=env)


def test_element_states_mark_the_diagram(session, env):
    instance = _start(session, env)
    states = instances.element_states(session, instance.id)
    assert "start" in states.completed
    assert states.active == ["review_task"]


def test_migration_of_a_renamed_task(session, env):
    instance = _start(session, env)
    assert instances.migration_dry_run(session, instance.id).reasons == [
        "the instance already runs the newest version 1"
    ]
    text = review_bundle()["review.bpmn"].replace('name="Review it"', 'name="Check it"')
    definitions.deploy(session, {"review.bpmn": text})
    report = instances.migration_dry_run(session, instance.id)
    assert report.safe and (report.from_version, report.to_version) == (1, 2)
    assert ("review_task", "Check it") in [(c.bpmn_id, c.name) for c in report.changed]
    instances.migrate(session, instance.id, actor="admin", env=env)
    assert instance.definition.version == 2
    task = _open_task(session, instance.id)
    assert task.name == "Check it"
    runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="a", env=env)


def test_migration_is_refused_when_the_active_task_is_removed(session, env):
    instance = _start(session, env)
    text = review_bundle()["review.bpmn"]
    start = text.index('<bpmn:userTask id="review_task"')
    end = text.index("</bpmn:userTask>") + len("</bpmn:userTask>")
    text = text[:start] + text[end:]
    text = text.replace("<bpmn:flowNodeRef>review_task</bpmn:flowNodeRef>", "")
    text = text.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="review_task" targetRef="notify" />', ""
    )
    text = text.replace('targetRef="review_task"', 'targetRef="notify"')
    text = text.replace("<bpmn:incoming>f2</bpmn:incoming>", "<bpmn:incoming>f1</bpmn:incoming>")
    definitions.deploy(session, {"review.bpmn": text})
    report = instances.migration_dry_run(session, instance.id)
    assert not report.safe
    assert any("review_task" in r for r in report.reasons), report.reasons
    with pytest.raises(instances.MigrationUnsafeError):
        instances.migrate(session, instance.id, actor="admin", env=env)
    assert instance.definition.version == 1


def test_heatmap_median_and_p90_from_history(session, env):
    instance = _start(session, env)
    base = datetime(2027, 3, 1, tzinfo=UTC)
    for i, hours in enumerate([1, 2, 3, 4, 10]):
        session.add(
            HumanTask(
                instance_id=instance.id,
                task_guid=f"seed-{i}",
                bpmn_id="review_task",
                name="Review it",
                status=HumanTaskStatus.COMPLETED,
                created_at=base,
                completed_at=base + timedelta(hours=hours),
            )
        )
    session.flush()
    [row] = instances.heatmap(session, "review", since=base, until=base + timedelta(days=1))
    assert (row.bpmn_id, row.count) == ("review_task", 5)
    assert row.median_seconds == 3 * 3600
    assert row.p90_seconds == pytest.approx(7.6 * 3600)  # 4h + 0.6 * (10h - 4h)
    assert instances.heatmap(session, "review", since=base + timedelta(days=1)) == []
