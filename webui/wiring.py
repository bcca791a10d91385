"""The one place the app is assembled: the engine environment and what each package adds.

`build_environment(app)` makes a fresh `EngineEnvironment` for one app, lets every
package install what it contributes (operators, outbox handlers, listeners, step
hooks) and keeps the result in `app.extensions`. Nothing is registered in a module:
two apps in one process never see each other's wiring. Views, Celery tasks and the
ticker read it back from the app (`engine_environment()`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app

import connectors
import contracts.approval
import contracts.inbox
import contracts.lifecycle
import contracts.notifications
from connectors import email, sms
from connectors.environment import ConnectorEnvironment
from connectors.secret_box import SecretBox, key_path, load_or_create_key
from contracts.lifecycle.service import ActivationListener
from contracts.notifications.links import Links
from contracts.notifications.settings import MessageSettings
from engine.environment import EngineEnvironment
from engine.outbox import RetryPolicy
from webui.config import sms_settings, smtp_settings
from webui.extensions import db
from webui.i18n import CatalogTranslator

ENGINE = "cf_engine"
CONNECTORS = "cf_connectors"
ACTIVATION_LISTENERS = "cf_activation_listeners"
SECRET_BOX = "cf_secret_box"  # noqa: S105 - an extensions key, not a secret
MESSAGES = "cf_messages"


def build_environment(app: Flask) -> EngineEnvironment:
    """Build this app's engine environment, install every package into it, keep it on the app."""
    config = app.config
    environment = EngineEnvironment(
        policy=RetryPolicy(
            max_attempts=int(config["OUTBOX_MAX_ATTEMPTS"]),
            base_delay=timedelta(seconds=float(config["OUTBOX_BASE_DELAY_SECONDS"])),
        ),
        session_factory=lambda: db.session,
    )
    messages = app.extensions[MESSAGES] = message_settings_of(app)
    contracts.approval.install(environment)
    contracts.lifecycle.install(environment, messages)
    contracts.notifications.install(environment, messages)  # new tasks notify their candidates
    contracts.inbox.install(environment)
    # Mail leaves over SMTP, SMS through the gateway; their settings are read at delivery.
    email.register(environment.handlers, environment.operators, settings=smtp_settings)
    sms.register(environment.handlers, environment.operators, settings=sms_settings)
    activation_listeners: list[ActivationListener] = []
    connector_environment = _connector_environment(app, environment)
    connectors.install(connector_environment, activation_listeners)  # ERP, finance, CRM, HTTP
    app.extensions[ENGINE] = environment
    app.extensions[CONNECTORS] = connector_environment
    app.extensions[ACTIVATION_LISTENERS] = tuple(activation_listeners)
    app.extensions[SECRET_BOX] = connector_environment.box
    return environment


def _connector_environment(app: Flask, engine: EngineEnvironment) -> ConnectorEnvironment:
    config = app.config
    configured = config.get("SECRET_KEY_FILE")
    box = SecretBox(load_or_create_key(key_path(Path(config["INSTANCE_DIR"]), configured)))
    return ConnectorEnvironment(
        box=box,
        events_dir=Path(config["FORMS_DIR"]) / "events",
        engine=engine,
        inbound_ttl=timedelta(days=float(config["INBOUND_EVENT_TTL_DAYS"])),
        po_reminder_period=str(config["ERP_PO_REMINDER_PERIOD"]),
    )


def message_settings_of(app: Flask) -> MessageSettings:
    """Links, language, zone and translator for mail and text messages, from the config."""
    return MessageSettings(
        links=Links(str(app.config["BASE_URL"])),
        default_locale=app.config.get("DEFAULT_LOCALE"),
        default_time_zone=str(app.config["DEFAULT_TIME_ZONE"]),
        translator=CatalogTranslator(),
    )


def engine_environment(app: Flask | None = None) -> EngineEnvironment:
    """Return the engine environment of `app` (default: the current app)."""
    environment: EngineEnvironment = (app or current_app).extensions[ENGINE]
    return environment


def connector_environment(app: Flask | None = None) -> ConnectorEnvironment:
    """Return the connectors' environment of `app` (default: the current app)."""
    environment: ConnectorEnvironment = (app or current_app).extensions[CONNECTORS]
    return environment


def activation_listeners(app: Flask | None = None) -> tuple[ActivationListener, ...]:
    """Return what runs when a contract is activated (the connectors' follow-ups)."""
    listeners: tuple[ActivationListener, ...] = (app or current_app).extensions[
        ACTIVATION_LISTENERS
    ]
    return listeners
