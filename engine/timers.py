"""Fire due timers from the `next_timer_at` index, exactly once however many workers run."""

from __future__ import annotations

import logging
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine import clock, runtime
from engine.environment import EngineEnvironment
from engine.errors import ConcurrentUpdateError, EngineError
from engine.models import InstanceEvent, InstanceStatus, ProcessInstance

log = logging.getLogger(__name__)


def claim_due_instances(session: Session, *, limit: int, skip: Collection[int] = ()) -> list[int]:
    """Select (and on PostgreSQL lock, skipping locked rows) instances with a due timer."""
    query = (
        select(ProcessInstance.id)
        .where(
            ProcessInstance.next_timer_at <= clock.now(),
            ProcessInstance.status == InstanceStatus.RUNNING,
        )
        .order_by(ProcessInstance.next_timer_at)
        .limit(limit)
    )
    if skip:
        query = query.where(ProcessInstance.id.not_in(skip))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def fire_due_timers(session: Session, env: EngineEnvironment, *, batch: int = 50) -> int:
    """Fire due timers in batches, one commit per batch; return how many fired.

    A batch first fires in one go. If any instance in it fails, the whole batch
    is rolled back (nothing of it was saved) and from then on every instance
    fires inside its own savepoint: one broken instance is marked `error` and
    the rest of the batch still fires.
    """
    total = 0
    # An instance is visited once per run: one whose timer is not quite due in
    # SpiffWorkflow's own eyes (or that lost a race) waits for the next run
    # instead of being claimed again and again.
    visited: set[int] = set()
    careful = False
    while True:
        ids = claim_due_instances(session, limit=batch, skip=visited)
        if not ids:
            session.commit()
            return total
        # One query for the batch instead of one per instance: each instance's step
        # then finds its row in the session (same transaction, rows locked above).
        # Held in a variable: the session's identity map only keeps weak references.
        loaded = session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(ids))).all()
        if not careful:
            try:
                fired = _fire_batch(session, ids, env)
            except OperationalError:
                raise  # the database itself is unwell: nothing to blame on an instance
            except Exception:
                # Claim the batch again (its locks went with the rollback) and fire it
                # instance by instance, so only the culprit is affected.
                session.rollback()
                careful = True
                continue
            visited.update(ids)
            total += fired
            del loaded
            continue
        visited.update(ids)
        for instance_id in ids:
            total += _fire_one(session, instance_id, env)
        session.commit()
        del loaded


def _fire_batch(session: Session, ids: list[int], env: EngineEnvironment) -> int:
    """Fire a claimed batch without savepoints (two statements fewer per instance); commit."""
    fired = 0
    for instance_id in ids:
        fired += runtime.fire_timers(session, instance_id, actor=None, env=env)
    session.commit()
    return fired


def _fire_one(session: Session, instance_id: int, env: EngineEnvironment) -> int:
    savepoint = session.begin_nested()
    try:
        fired = runtime.fire_timers(session, instance_id, actor=None, env=env)
        savepoint.commit()
        return fired
    except ConcurrentUpdateError:
        # Another worker (or a user) saved this instance first; its timers are
        # either fired already or will be picked up again from the index.
        savepoint.rollback()
        return 0
    except OperationalError:
        raise  # the database itself is unwell: nothing to blame on the instance
    except EngineError as exc:
        savepoint.rollback()
        log.warning("timer step of instance %s failed: %s", instance_id, exc)
        _mark_failed(session, instance_id, exc.message)
        return 0
    except Exception as exc:  # a bug in an operator must not stop every other timer
        savepoint.rollback()
        log.exception("timer step of instance %s crashed", instance_id)
        _mark_failed(session, instance_id, f"{type(exc).__name__}: {exc}")
        return 0


def _mark_failed(session: Session, instance_id: int, message: str) -> None:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        return
    instance.status = InstanceStatus.ERROR
    instance.error = message
    instance.next_timer_at = None
    session.add(InstanceEvent(instance_id=instance_id, action="error", comment=message))
    session.flush()
