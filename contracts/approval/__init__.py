"""Approval: routing simulator, approval operators, task forms and their settings."""

from __future__ import annotations

from engine.environment import EngineEnvironment


def install(environment: EngineEnvironment) -> None:
    """Register the approval process's operators (facts, status, reminders, escalation)."""
    from contracts.approval.operators import register_operators

    register_operators(environment.operators)
