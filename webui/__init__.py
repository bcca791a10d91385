"""The Flask application: pages, the JSON API and the Celery wiring."""

from __future__ import annotations

from typing import Any

from flask import Flask

from webui.config import load_config
from webui.extensions import csrf, db, login_manager


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app (embedded or distributed mode by configuration)."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(config))

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from contracts.operators import register_operators
    from engine import jobs
    from engine.operators import registry

    if "contracts/SetStatus" not in registry:
        register_operators(registry)
    _install_notifications()
    jobs.configure(session=lambda: db.session, operators=registry)

    from webui import auth, errors, i18n, security
    from webui.celery_app import celery_init_app
    from webui.ticker import install_ticker

    i18n.install(app)
    errors.install(app)
    security.install(app)
    auth.install(app)
    celery_init_app(app)
    install_ticker(app)
    _register_blueprints(app)

    from webui.cli import register_commands

    register_commands(app)
    _install_sms()
    return app


def _install_sms() -> None:
    """Expiry reminders by SMS leave through the outbox to the HTTP SMS gateway."""
    from connectors import sms
    from engine.operators import registry as operators
    from engine.outbox import registry as handlers

    sms.register(handlers, operators)


def _install_notifications() -> None:
    """New tasks notify their candidates; mail leaves through the outbox over SMTP."""
    from connectors import email
    from contracts import notifications
    from engine.operators import registry as operators
    from engine.outbox import registry as handlers

    notifications.install()
    email.register(handlers, operators)


def _register_blueprints(app: Flask) -> None:
    from webui.admin_processes import bp as admin_processes_bp
    from webui.api import bp as api_bp
    from webui.contracts import bp as contracts_bp
    from webui.documents import bp as documents_bp
    from webui.health import bp as health_bp
    from webui.imports import bp as imports_bp
    from webui.inbox import bp as inbox_bp
    from webui.templates_admin import bp as templates_admin_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(contracts_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(admin_processes_bp)
    from webui.calendar import bp as calendar_bp

    app.register_blueprint(calendar_bp)
    app.register_blueprint(templates_admin_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(documents_bp)
