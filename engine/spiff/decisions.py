"""Evaluate one DMN decision table outside any workflow, in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.DMNParser import DMNParser
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import DefinitionError, InvalidInputError
from engine.spiff.parser import DMN_NAMESPACES, parse_xml
from engine.spiff.script_engine import SandboxScriptEngine, UnsafeScriptError


@dataclass
class _Workflow:
    script_engine: Any


@dataclass
class _Task:
    """As much of a SpiffWorkflow task as the DMN engine reads: data and a script engine."""

    data: dict[str, Any]
    workflow: _Workflow = field(default_factory=lambda: _Workflow(SandboxScriptEngine()))


def decision_ids(files: dict[str, str]) -> dict[str, str]:
    """Return {decision id: file name} for every DMN decision of a bundle."""
    found: dict[str, str] = {}
    for filename, text in sorted(files.items()):
        if not filename.endswith(".dmn"):
            continue
        root = parse_xml(text, filename)
        for namespace in DMN_NAMESPACES:
            for decision in root.iterfind(f"{{{namespace}}}decision"):
                if decision.get("id"):
                    found[decision.get("id")] = filename
    return found


def evaluate_decision(
    files: dict[str, str], decision_id: str, inputs: dict[str, Any]
) -> dict[str, Any]:
    """Run a decision table of the bundle's DMN files on `inputs`; return its outputs."""
    parser = SpiffBpmnParser()
    try:
        for filename, text in sorted(files.items()):
            if filename.endswith(".dmn"):
                parser.add_dmn_xml(parse_xml(text, filename), filename=filename)
        dmn_parser: DMNParser | None = parser.dmn_parsers.get(decision_id)
        if dmn_parser is None:
            raise InvalidInputError(
                f"no DMN decision '{decision_id}' in the files",
                details={"decision_id": decision_id, "known": sorted(parser.dmn_parsers)},
            )
        dmn_parser.parse()
        table = dmn_parser.decision.decisionTables[0]
        return dict(DMNEngine(table).result(_Task(dict(inputs))))
    except (SpiffWorkflowException, UnsafeScriptError) as exc:
        raise DefinitionError(
            f"decision '{decision_id}' failed: {exc}",
            details=[
                {
                    "file": None,
                    "element_id": decision_id,
                    "element_name": None,
                    "element_type": "decision",
                    "line": None,
                    "message": str(exc),
                }
            ],
        ) from exc
