"""Import every model so SQLAlchemy's metadata holds every table (for Alembic and tests only)."""

from contracts.approval.models import RoutingCase
from contracts.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from contracts.core.models import (
    Contract,
    ContractNumberCounter,
    ContractTag,
    ContractType,
    Counterparty,
    ExchangeRate,
)
from contracts.documents.models import Document, DocumentVersion, DraftBody, DraftBodyRevision
from contracts.identity.models import ApiToken, Department, Group, Membership, Role, User
from contracts.identity.throttle_models import LoginThrottleCount
from contracts.imports.models import ImportBatch, ImportRow
from contracts.inbox.models import InboxEntry
from contracts.notifications.models import Notification
from contracts.templates.models import Template, TemplateDraft, TemplateVersion

__all__ = [
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditHead",
    "Contract",
    "ContractNumberCounter",
    "ContractTag",
    "ContractType",
    "Counterparty",
    "Department",
    "Document",
    "DocumentVersion",
    "DraftBody",
    "DraftBodyRevision",
    "ExchangeRate",
    "Group",
    "ImportBatch",
    "ImportRow",
    "InboxEntry",
    "LoginThrottleCount",
    "Membership",
    "Notification",
    "Role",
    "RoutingCase",
    "Template",
    "TemplateDraft",
    "TemplateVersion",
    "User",
]
