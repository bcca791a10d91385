"""Every change the engine makes to a human task is reported to its listeners, and stored."""

from __future__ import annotations

from sqlalchemy import select

from engine import definitions, instances, runtime
from engine.models import HumanTask, HumanTaskStatus
from tests.engine.conftest import review_bundle


def test_claim_unclaim_assign_escalate_and_terminate_are_reported(session, env):
    writes: list[tuple[list[int], list[int]]] = []
    added: list[list[int]] = []
    env.human_task_write_listeners.append(
        lambda _s, created, changed: writes.append((list(created), list(changed)))
    )
    env.human_task_candidate_listeners.append(lambda _s, ids: added.append(list(ids)))
    definitions.deploy(session, review_bundle())
    instance = runtime.start_instance(
        session, "review", business_key="R-1", data={}, actor="ann", env=env
    )
    [task] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    assert writes == [([task.id], [])]

    runtime.claim_task(session, task.id, "rita", env)
    runtime.unclaim_task(session, task.id, "rita", env)
    runtime.assign_task(session, task, "ron", env)
    assert writes[1:] == [([], [task.id])] * 3
    assert runtime.add_candidate_group(session, task, "managers", env) is True
    assert runtime.add_candidate_group(session, task, "managers", env) is False
    assert len(added) == 1 and task.candidate_groups == ["managers", "reviewers"]

    instances.terminate(session, instance.id, actor="admin", env=env)
    assert writes[-1] == ([], [task.id])
    session.commit()
    session.expire_all()
    stored = session.get(HumanTask, task.id)
    assert stored is not None
    assert (stored.status, stored.assignee) == (HumanTaskStatus.CANCELLED, "ron")
    assert stored.completed_at is not None
    assert stored.candidate_groups == ["managers", "reviewers"]
