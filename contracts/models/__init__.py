"""Models of the contracts package (identity, contracts, audit)."""

from contracts.documents.models import (
    Document,
    DocumentVersion,
    DraftBody,
    DraftBodyRevision,
    VersionSource,
)
from contracts.models.audit import AuditCheckpoint, AuditEntry, AuditHead
from contracts.models.contract import (
    Contract,
    ContractNumberCounter,
    ContractStatus,
    ContractTag,
    ContractType,
    Counterparty,
    ExchangeRate,
    Notification,
)
from contracts.models.identity import ApiToken, Department, Group, Membership, Role, User
from contracts.models.imports import ImportBatch, ImportRow
from contracts.models.inbox_entry import InboxEntry
from contracts.models.login_throttle import LoginThrottleCount
from contracts.models.routing_case import RoutingCase
from contracts.templates.models import Template, TemplateDraft, TemplateVersion

__all__ = [
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditHead",
    "Contract",
    "ContractNumberCounter",
    "ContractStatus",
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
    "VersionSource",
]
