"""Objects built from the app configuration, handed to the service layer."""

from __future__ import annotations

from flask import current_app

from contracts.approval.forms import FormLibrary
from contracts.approval.settings import ApprovalSettings
from contracts.notifications.settings import MessageSettings


def approval_settings() -> ApprovalSettings:
    return ApprovalSettings(
        sla_period=current_app.config["APPROVAL_SLA_PERIOD"],
        sla_escalation_period=current_app.config["APPROVAL_ESCALATION_PERIOD"],
    )


def form_library() -> FormLibrary:
    library = current_app.extensions.get("cf_forms")
    if library is None:
        library = current_app.extensions["cf_forms"] = FormLibrary(current_app.config["FORMS_DIR"])
    return library


def message_settings() -> MessageSettings:
    """The settings mails and text messages are written with (built by the app factory)."""
    settings: MessageSettings = current_app.extensions["cf_messages"]
    return settings
