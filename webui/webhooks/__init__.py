"""Inbound webhooks: signed events from ERP, finance and CRM (JSON API only)."""

from __future__ import annotations

from webui.webhooks import api  # noqa: F401  (declares its operations on the API blueprint)
