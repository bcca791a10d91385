"""Keep recently saved workflows in memory, keyed by the exact state they were saved as.

Restoring a workflow from JSON is the largest fixed cost of a step. When the
state in the database is byte-for-byte the state a workflow object of this
process was serialised to, that object *is* the restored workflow. A step
takes its object out of the cache (so nobody else can use it meanwhile) and
puts it back only after saving; a step that fails drops it. The database stays
the only source of truth: a miss simply deserialises.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow


def _key(instance_id: int, state: str) -> tuple[int, str]:
    return instance_id, hashlib.blake2b(state.encode(), digest_size=20).hexdigest()


class WorkflowCache:
    """A small LRU of (instance id, state digest) -> workflow object."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], BpmnWorkflow] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, instance_id: int, state: str, spec: Any) -> BpmnWorkflow | None:
        """Remove and return the workflow saved as exactly `state` with this spec, if any."""
        with self._lock:
            workflow = self._items.pop(_key(instance_id, state), None)
            if workflow is None or workflow.spec is not spec:
                self.misses += 1
                return None
            self.hits += 1
            return workflow

    def put(self, instance_id: int, state: str, workflow: BpmnWorkflow) -> None:
        """Remember a workflow just serialised as `state`."""
        if self.size <= 0:
            return
        key = _key(instance_id, state)  # hashing a ~20-60 KB state: once, not twice
        with self._lock:
            self._items[key] = workflow
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Each cached workflow is a task tree of ~30-60 KB for the shipped processes, so the
# default keeps ~50 MB per process for 1,024 active instances; past that, the least
# recently stepped ones are deserialised again when their turn comes.
DEFAULT_SIZE = 1024


# The app factory sets the size from its configuration (CONTRACTFLOW_WORKFLOW_CACHE_SIZE).
workflow_cache = WorkflowCache(DEFAULT_SIZE)
