"""Configuration from environment variables, with embedded-mode defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.email import SmtpSettings
from connectors.sms import SmsSettings
from contracts.core.dates import DEFAULT_TIME_ZONE
from contracts.notifications.links import DEFAULT_BASE_URL
from engine.spiff.workflow_cache import DEFAULT_SIZE as DEFAULT_WORKFLOW_CACHE_SIZE

REPO_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_dir: Path) -> str:
    """Use SECRET_KEY, else a random key kept in instance/ so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def base_url() -> str:
    """Where links in mail and text messages point (CONTRACTFLOW_BASE_URL)."""
    return (os.environ.get("CONTRACTFLOW_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def smtp_settings() -> SmtpSettings:
    """The SMTP settings as the environment has them now (asked at each delivery)."""
    return SmtpSettings.from_env(os.environ)


def sms_settings() -> SmsSettings:
    """The SMS gateway settings as the environment has them now (asked at each delivery)."""
    return SmsSettings.from_env(os.environ)


def workflow_cache_size() -> int:
    """CONTRACTFLOW_WORKFLOW_CACHE_SIZE (0 turns the cache off)."""
    raw = os.environ.get("CONTRACTFLOW_WORKFLOW_CACHE_SIZE", "")
    try:
        return max(0, int(raw)) if raw.strip() else DEFAULT_WORKFLOW_CACHE_SIZE
    except ValueError:
        raise ValueError(
            f"CONTRACTFLOW_WORKFLOW_CACHE_SIZE must be a whole number, not {raw!r}"
        ) from None


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app configuration; `overrides` (tests) win over the environment."""
    overrides = overrides or {}
    instance_dir = Path(
        overrides.get("INSTANCE_DIR")
        or os.environ.get("CONTRACTFLOW_INSTANCE_DIR")
        or REPO_ROOT / "instance"
    )
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'contractflow.db'}"
    broker_url = os.environ.get("CELERY_BROKER_URL")
    embedded = not broker_url
    sweep_interval = float(os.environ.get("CONTRACTFLOW_DOCUMENT_SWEEP_INTERVAL", "900"))
    config: dict[str, Any] = {
        "INSTANCE_DIR": instance_dir,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": None,
        "DEMO_MODE": _flag("CONTRACTFLOW_DEMO", False),
        # Times are shown in this IANA zone to anyone who has not chosen their own.
        "DEFAULT_TIME_ZONE": os.environ.get("CONTRACTFLOW_TIME_ZONE") or DEFAULT_TIME_ZONE,
        # Mail and text messages to someone without a language of their own use this one
        # ("en" or "zh"); unset, a task mail speaks both and a reminder English.
        "DEFAULT_LOCALE": os.environ.get("CONTRACTFLOW_DEFAULT_LOCALE") or None,
        # Where links in mail and text messages point (they are read outside the app).
        "BASE_URL": base_url(),
        "SECRET_KEY_FILE": os.environ.get("CONTRACTFLOW_SECRET_KEY_FILE") or None,
        "WORKFLOW_CACHE_SIZE": workflow_cache_size(),
        "EMBEDDED": embedded,
        "TICKER_ENABLED": _flag("CONTRACTFLOW_TICKER", embedded),
        "TICKER_INTERVAL_SECONDS": float(os.environ.get("CONTRACTFLOW_TICKER_INTERVAL", "5")),
        # Files stored by a process killed before its commit are swept this often.
        "DOCUMENT_SWEEP_INTERVAL_SECONDS": sweep_interval,
        "PROCESSES_DIR": REPO_ROOT / "processes",
        "FORMS_DIR": REPO_ROOT / "forms",
        "APPROVAL_SLA_PERIOD": os.environ.get("CONTRACTFLOW_APPROVAL_SLA", "P3D"),
        "APPROVAL_ESCALATION_PERIOD": os.environ.get("CONTRACTFLOW_APPROVAL_ESCALATION", "P6D"),
        "API_TOKEN_TTL": timedelta(hours=int(os.environ.get("CONTRACTFLOW_TOKEN_TTL_HOURS", "12"))),
        # Integration: bearer-token rate limit, outbox retries, early webhook events, ERP wait.
        "API_RATE_LIMIT": int(os.environ.get("CONTRACTFLOW_API_RATE_LIMIT", "600")),
        "API_RATE_WINDOW_SECONDS": float(os.environ.get("CONTRACTFLOW_API_RATE_WINDOW", "60")),
        # Failed sign-ins allowed per window: per account name, and per client address.
        "LOGIN_MAX_FAILURES": int(os.environ.get("CONTRACTFLOW_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_IP_MAX_FAILURES": int(os.environ.get("CONTRACTFLOW_LOGIN_IP_MAX_FAILURES", "20")),
        "LOGIN_FAILURE_WINDOW_SECONDS": float(
            os.environ.get("CONTRACTFLOW_LOGIN_FAILURE_WINDOW", "300")
        ),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("CONTRACTFLOW_OUTBOX_MAX_ATTEMPTS", "8")),
        "OUTBOX_BASE_DELAY_SECONDS": float(os.environ.get("CONTRACTFLOW_OUTBOX_BASE_DELAY", "30")),
        "INBOUND_EVENT_TTL_DAYS": float(os.environ.get("CONTRACTFLOW_INBOUND_TTL_DAYS", "7")),
        "ERP_PO_REMINDER_PERIOD": os.environ.get("CONTRACTFLOW_ERP_PO_REMINDER", "P3D"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("CONTRACTFLOW_SECURE_COOKIES", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Document uploads stream past MAX_CONTENT_LENGTH up to this limit (webui.documents).
        "MAX_UPLOAD_BYTES": int(os.environ.get("CONTRACTFLOW_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)),
        "DOCUMENT_ALLOWED_TYPES": None,
        "DOCUMENTS_DIR": None,
        "MASTER_KEY_FILE": None,
        # The audit log's HMAC key, kept apart from the database (see webui/audit.py).
        "AUDIT_KEY": os.environ.get("CONTRACTFLOW_AUDIT_KEY"),
        "AUDIT_KEY_FILE": os.environ.get("CONTRACTFLOW_AUDIT_KEY_FILE"),
        "AUDIT_CHECKPOINT_EVERY": int(
            os.environ.get("CONTRACTFLOW_AUDIT_CHECKPOINT_EVERY", "1000")
        ),
        "AUDIT_CHECKPOINT_INTERVAL_SECONDS": float(
            os.environ.get("CONTRACTFLOW_AUDIT_CHECKPOINT_INTERVAL", "300")
        ),
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "CELERY": {
            "broker_url": broker_url or "memory://",
            "task_always_eager": embedded,
            "task_eager_propagates": True,
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            # Beat sends to, and workers consume by default, this queue (one per deployment).
            "task_default_queue": os.environ.get("CONTRACTFLOW_CELERY_QUEUE") or "celery",
            "beat_schedule": {
                "fire-due-timers": {
                    "task": "engine.fire_due_timers",
                    "schedule": float(os.environ.get("CONTRACTFLOW_TIMER_INTERVAL", "5")),
                },
                "deliver-outbox": {
                    "task": "engine.deliver_outbox",
                    "schedule": float(os.environ.get("CONTRACTFLOW_OUTBOX_INTERVAL", "5")),
                },
                # Writes only when the log grew and the last checkpoint is older than
                # AUDIT_CHECKPOINT_INTERVAL_SECONDS.
                "audit-checkpoint": {
                    "task": "contracts.audit_checkpoint",
                    "schedule": float(os.environ.get("CONTRACTFLOW_AUDIT_CHECKPOINT_TICK", "60")),
                },
                "sweep-orphan-documents": {
                    "task": "contracts.sweep_orphan_documents",
                    "schedule": sweep_interval,
                },
            },
        },
    }
    config.update(overrides)
    # Decide on the final URL: an override may point a SQLite-default environment at
    # PostgreSQL, whose driver rejects SQLite's `timeout` connect argument.
    if "SQLALCHEMY_ENGINE_OPTIONS" not in overrides and str(
        config["SQLALCHEMY_DATABASE_URI"]
    ).startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_key(Path(config["INSTANCE_DIR"]))
    return config
