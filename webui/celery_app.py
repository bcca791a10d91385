"""Celery wired the Flask way: every task runs inside the app context."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask, current_app

from engine.environment import EngineEnvironment
from webui.extensions import db


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app and keep it in app.extensions["celery"]."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

        def engine_environment(self) -> EngineEnvironment:
            """The engine environment of the app this task runs in (see webui.wiring)."""
            from webui.wiring import engine_environment

            return engine_environment(current_app)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    import engine.jobs  # noqa: F401  (registers the engine's tasks)
    import webui.audit  # noqa: F401  (registers the audit checkpoint task)

    app.extensions["celery"] = celery
    return celery
