"""The Flask application: pages, the JSON API and the Celery wiring."""

from __future__ import annotations

from typing import Any

from flask import Flask

from webui.config import load_config
from webui.extensions import csrf, db, login_manager


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app (embedded or distributed mode by configuration)."""
    app = Flask(__name__, instance_relative_config=False)
    from webui.api.spec import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter
    app.config.from_mapping(load_config(config))

    db.init_app(app)
    from webui.audit import install_audit

    install_audit(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from engine.spiff.workflow_cache import workflow_cache
    from webui.wiring import build_environment

    workflow_cache.size = int(app.config["WORKFLOW_CACHE_SIZE"])
    build_environment(app)  # the engine's operators, handlers, listeners and hooks

    from webui import (
        auth,
        demo_banner,
        errors,
        field_messages,
        i18n,
        input_guard,
        labels,
        security,
    )
    from webui.celery_app import celery_init_app
    from webui.ticker import install_ticker

    i18n.install(app)
    field_messages.install(app)
    labels.install(app)
    demo_banner.install(app)
    errors.install(app)
    security.install(app)
    input_guard.install(app)  # after CSRF: a forged post is refused as such first
    auth.install(app)
    celery_init_app(app)
    install_ticker(app)
    _register_blueprints(app)

    from webui.cli import register_commands

    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    import webui.webhooks  # noqa: F401  (declares its operations on the API blueprint)
    from webui.account import bp as account_bp
    from webui.admin_connectors import bp as admin_connectors_bp
    from webui.admin_processes import bp as admin_processes_bp
    from webui.admin_sink import bp as admin_sink_bp
    from webui.api import bp as api_bp
    from webui.contracts import bp as contracts_bp
    from webui.documents import bp as documents_bp
    from webui.health import bp as health_bp
    from webui.home import bp as home_bp
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
    app.register_blueprint(admin_connectors_bp)
    app.register_blueprint(admin_sink_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(home_bp)
