"""Names we ship as data, read in the user's language.

Departments, contract types, templates, BPMN task and process names and the DMN's
column headers are stored (or parsed) in English. Each shipped name is listed here
for extraction and translated when shown; a name an admin typed is not in the list
and is shown as entered.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext, pgettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts
    """Mark a string for translation; it is translated when shown."""
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802 - extract with -k NC_:1c,2
    """Mark a string for translation in a context; it is translated when shown."""
    return message


# Departments of the demo installation (contracts/demo.py). In their own context:
# the "Sales" department (销售部) is not the "Sales" contract type (销售).
DEPARTMENT_NAMES = frozenset(
    {
        NC_("department", "Sales"),
        NC_("department", "Procurement"),
        NC_("department", "R&D"),
        NC_("department", "Legal"),
        NC_("department", "Finance"),
        NC_("department", "Executive office"),
    }
)

SHIPPED_NAMES = frozenset(
    {
        # Contract types (contracts/reference_data.py).
        N_("Sales"),
        N_("Purchase"),
        N_("Service"),
        N_("NDA"),
        # Role groups (contracts/reference_data.py).
        N_("Legal review"),
        N_("Finance review"),
        N_("Executive approval"),
        N_("Process administrators"),
        # Shipped templates (templates/contracts/*.json).
        N_("Non-Disclosure Agreement (English)"),
        N_("Purchase Agreement (English)"),
        N_("Sales Agreement (English)"),
        N_("Service Agreement (English)"),
        N_("api"),  # a token issued at sign-in (contracts/accounts.py)
        N_("Shipped with ContractFlow"),  # their first version's note
        N_("system"),  # who loaded them (contracts/templates/library.py)
        # Processes (processes/*.bpmn) and the routing decision (processes/*.dmn).
        N_("Contract approval"),
        N_("Contract lifecycle"),
        N_("Purchase fulfilment"),
        N_("Sales activation"),
        N_("Approval routing"),
        # DMN column headers.
        N_("Amount (CNY)"),
        N_("Contract type"),
        N_("Department"),
        N_("Approvers, in order"),
        # Tasks of the shipped processes, as the inbox and the timeline name them.
        N_("Approve contract"),
        N_("Revise contract"),
        N_("Renewal decision"),
        N_("Mark approved"),
        N_("Mark rejected"),
        N_("Mark expiring"),
        N_("Back in review"),
        N_("Back to draft"),
        N_("Compute lifecycle dates"),
        N_("Count approval"),
        N_("Determine approvers"),
        N_("Draft renegotiated copy"),
        N_("Escalate to department manager"),
        N_("Expire old term"),
        N_("Expire"),
        N_("Load contract"),
        N_("Pick next approver"),
        N_("Prepare routing inputs"),
        N_("Record finance commitment"),
        N_("Record purchase order number"),
        N_("Remind approver"),
        N_("Remind contract owner"),
        N_("Remind owner and managers"),
        N_("Renew automatically"),
        N_("Renew"),
        N_("Request purchase order"),
        N_("Schedule termination"),
        N_("Terminate"),
        N_("Update CRM account"),
        N_("Wait for the notice window"),
        N_("Wait for the purchase order"),
        # Connectors (connectors/catalog.py).
        N_("ERP (purchase orders)"),
        N_("Finance (commitments and payments)"),
        N_("CRM (customer contracts)"),
        N_("Generic HTTP"),
    }
)


# Statuses of the integration queues (connectors/models.py), as the admin pages show them.
QUEUE_STATUSES = {
    "pending": N_("waiting"),
    "delivered": N_("delivered"),
    "failed": N_("failed, will retry"),
    "dead": N_("failed for good"),
    "expired": N_("expired"),
    "rejected": N_("rejected"),
    "open": N_("open"),
    "resolved": N_("resolved"),
}
# Statuses of an import batch and its rows (contracts/imports).
IMPORT_STATUSES = {
    "previewed": N_("previewed"),
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "ready": N_("ready to import"),
    "invalid": N_("invalid"),
    "imported": N_("imported"),
    "skipped": N_("skipped"),
    "failed": N_("failed"),
}
AUTH_TYPES = {
    "none": N_("no authentication"),
    "bearer": N_("bearer token"),
    "basic": N_("user name and password (Basic)"),
    "hmac": N_("HMAC signature"),
}


def translated(table: dict[str, str], value: Any, fallback: str | None = None) -> str:
    """The reader's word for `value` from a table of marked strings; `fallback` (or the value)
    when the table does not know it."""
    text = table.get(str(value))
    if text:
        return gettext(text)
    return str(value) if fallback is None else fallback


def queue_status_label(status: Any) -> str:
    """Name a queue, incident or import status for the reader."""
    return translated(QUEUE_STATUSES, status)


def import_status_label(status: Any) -> str:
    """Name an import batch's or row's status for the reader."""
    return translated(IMPORT_STATUSES, status)


def auth_type_label(kind: Any) -> str:
    """Name a connector's kind of authentication for the reader."""
    return translated(AUTH_TYPES, kind)


def label(name: Any) -> str:
    """Translate a name we ship; show any other name as it was entered."""
    text = "" if name is None else str(name)
    return gettext(text) if text in SHIPPED_NAMES else text


def department_label(name: Any) -> str:
    """Translate a department name we ship; show any other as it was entered."""
    text = "" if name is None else str(name)
    return pgettext("department", text) if text in DEPARTMENT_NAMES else text


def script_names() -> dict[str, str]:
    """The shipped names in the reader's language, keyed `name:<English>` for page scripts."""
    return {f"name:{name}": gettext(name) for name in sorted(SHIPPED_NAMES)}


def message_text(message: Any) -> str:
    """Translate a shipped message shown outside an error page (an import row's error)."""
    from webui.error_messages import translate_error

    return translate_error("", str(message))


def install(app: Flask) -> None:
    """Offer `|label` to the page templates."""
    from webui import notification_text

    app.add_template_filter(label, "label")
    app.add_template_filter(department_label, "department_label")
    app.add_template_filter(queue_status_label, "queue_status_label")
    app.add_template_filter(auth_type_label, "auth_type_label")
    app.add_template_filter(import_status_label, "import_status_label")
    app.add_template_filter(message_text, "message_text")
    notification_text.install(app)
