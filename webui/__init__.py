"""The Flask application: pages, the JSON API and the Celery wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

from webui.config import load_config
from webui.extensions import csrf, db, login_manager

if TYPE_CHECKING:
    from contracts.notifications.settings import MessageSettings


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

    from contracts.approval.operators import register_operators
    from engine import jobs
    from engine.operators import registry
    from engine.spiff.workflow_cache import workflow_cache

    workflow_cache.size = int(app.config["WORKFLOW_CACHE_SIZE"])
    messages = app.extensions["cf_messages"] = _message_settings(app)
    # Registered again by each app: the reminders are written with this app's settings.
    register_operators(registry, messages)
    _install_notifications(messages)
    jobs.configure(session=lambda: db.session, operators=registry)

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
    _install_sms()
    _install_connectors(app)
    return app


def _install_connectors(app: Flask) -> None:
    """ERP, finance, CRM and HTTP connectors: operators, outbox handlers, webhook hooks."""
    from datetime import timedelta
    from pathlib import Path

    import connectors
    from connectors.secret_box import SecretBox, key_path, load_or_create_key
    from engine import outbox
    from engine.operators import registry as operators

    outbox.policy = outbox.RetryPolicy(
        max_attempts=int(app.config["OUTBOX_MAX_ATTEMPTS"]),
        base_delay=timedelta(seconds=float(app.config["OUTBOX_BASE_DELAY_SECONDS"])),
    )
    configured = app.config.get("SECRET_KEY_FILE")
    box = SecretBox(load_or_create_key(key_path(Path(app.config["INSTANCE_DIR"]), configured)))
    environment = connectors.ConnectorEnvironment(
        box=box,
        events_dir=Path(app.config["FORMS_DIR"]) / "events",
        inbound_ttl=timedelta(days=float(app.config["INBOUND_EVENT_TTL_DAYS"])),
        po_reminder_period=str(app.config["ERP_PO_REMINDER_PERIOD"]),
    )
    connectors.install(environment, operators)
    app.extensions["cf_secret_box"] = box


def _install_sms() -> None:
    """Expiry reminders by SMS leave through the outbox to the HTTP SMS gateway."""
    from connectors import sms
    from engine.operators import registry as operators
    from engine.outbox import registry as handlers
    from webui.config import sms_settings

    sms.register(handlers, operators, settings=sms_settings)


def _message_settings(app: Flask) -> MessageSettings:
    """Links, language, zone and translator for mail and text messages, from the config."""
    from contracts.notifications.links import Links
    from contracts.notifications.settings import MessageSettings
    from webui.i18n import CatalogTranslator

    return MessageSettings(
        links=Links(str(app.config["BASE_URL"])),
        default_locale=app.config.get("DEFAULT_LOCALE"),
        default_time_zone=str(app.config["DEFAULT_TIME_ZONE"]),
        translator=CatalogTranslator(),
    )


def _install_notifications(messages: MessageSettings) -> None:
    """New tasks notify their candidates; mail leaves through the outbox over SMTP."""
    from connectors import email
    from contracts.inbox import projection as inbox_entries
    from contracts.notifications import service as notifications
    from engine.operators import registry as operators
    from engine.outbox import registry as handlers
    from webui.config import smtp_settings

    notifications.install(messages)
    inbox_entries.install()
    email.register(handlers, operators, settings=smtp_settings)


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
