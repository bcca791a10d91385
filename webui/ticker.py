"""The embedded mode's in-process ticker: timers, the outbox and audit checkpoints.

It starts with the first request a serving process handles (so CLI commands
and tests never start it) and is off in the distributed mode, where celery
beat schedules the same job.
"""

from __future__ import annotations

import logging
import threading

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

    interval = float(app.config["TICKER_INTERVAL_SECONDS"])
    stop = threading.Event()
    while not stop.wait(interval):
        for job in (fire_due_timers, deliver_outbox, audit_checkpoint):
            try:
                job.delay()
            except Exception:
                log.exception("ticker: %s failed", job.name)
