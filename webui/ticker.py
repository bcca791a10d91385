"""The embedded mode's in-process ticker: fires due timers, delivers the outbox, signs
audit checkpoints and, less often, sweeps orphaned document files.

It starts with the first request a serving process handles (so CLI commands
and tests never start it) and is off in the distributed mode, where celery
beat schedules the same job.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


def install_ticker(app: Flask) -> None:
    if not app.config.get("TICKER_ENABLED") or app.testing:
        return
    started = threading.Event()

    @app.before_request
    def _start_ticker() -> None:
        if not started.is_set():
            started.set()
            threading.Thread(
                target=_run, args=(app, started), name="cf-ticker", daemon=True
            ).start()


def _run(app: Flask, started: threading.Event) -> None:
    from engine.jobs import deliver_outbox, fire_due_timers
    from webui.audit import audit_checkpoint
    from webui.documents.tasks import sweep_orphan_documents

    interval = float(app.config["TICKER_INTERVAL_SECONDS"])
    sweep_every = float(app.config["DOCUMENT_SWEEP_INTERVAL_SECONDS"])
    last_sweep = time.monotonic()
    stop = threading.Event()
    while not stop.wait(interval):
        jobs = [fire_due_timers, deliver_outbox, audit_checkpoint]
        if time.monotonic() - last_sweep >= sweep_every:
            last_sweep = time.monotonic()
            jobs.append(sweep_orphan_documents)
        for job in jobs:
            try:
                job.delay()
            except Exception:
                log.exception("ticker: %s failed", job.name)
