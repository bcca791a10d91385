"""Evaluate a DMN decision of a bundle with given inputs (no workflow, no database)."""

from __future__ import annotations

from typing import Any

from engine.spiff.decisions import decision_ids, evaluate_decision


def evaluate(files: dict[str, str], decision_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Return the outputs of decision `decision_id` in `files` for `inputs`."""
    return evaluate_decision(files, decision_id, inputs)


def defined_decisions(files: dict[str, str]) -> set[str]:
    """Return the ids of the decisions the bundle's DMN files define."""
    return set(decision_ids(files))


__all__ = ["defined_decisions", "evaluate"]
