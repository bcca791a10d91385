"""Our own lint rules over a BPMN/DMN bundle, on top of the XSD and SpiffWorkflow's parser.

Every problem names the element (id, name, type), the file and what is wrong,
so the modeler can mark it on the diagram. Callers hand in what the engine
cannot know: which forms exist and which candidate groups exist.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.decisions import defined_decisions
from engine.spiff.durations import check_timer_literal
from engine.spiff.parser import BPMN_NS, parse_xml
from engine.spiff.script_engine import UnsafeScriptError, check_script

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_B = f"{{{BPMN_NS}}}"
_S = f"{{{SPIFF_NS}}}"
EXPRESSION_PROPERTIES = ("candidateGroups", "candidateUsers", "dueIn")
FORM_PROPERTIES = ("formJsonSchemaFilename", "formUiSchemaFilename")
TIMER_KINDS = ("timeDuration", "timeDate", "timeCycle")


@dataclass(frozen=True)
class LintContext:
    """What the rules check against. `None` switches a rule off."""

    operators: frozenset[str] | None = None
    form_exists: Callable[[str], bool] | None = None
    groups: frozenset[str] | None = None


def problem(
    filename: str | None,
    element: etree._Element | None,
    message: str,
    *,
    rule: str,
    severity: str = "error",
) -> dict[str, Any]:
    """Return one problem in the shape DefinitionError details use."""
    return {
        "file": filename,
        "element_id": element.get("id") if element is not None else None,
        "element_name": element.get("name") if element is not None else None,
        "element_type": etree.QName(element).localname if element is not None else None,
        "line": element.sourceline if element is not None else None,
        "message": message,
        "rule": rule,
        "severity": severity,
    }


def lint_bundle(files: dict[str, str], context: LintContext) -> list[dict[str, Any]]:
    """Return every problem our rules find in the bundle's BPMN files."""
    decisions = defined_decisions(files)
    problems: list[dict[str, Any]] = []
    for filename, text in sorted(files.items()):
        root = parse_xml(text, filename)
        if etree.QName(root).namespace != BPMN_NS:
            continue
        for process in root.iter(f"{_B}process"):
            problems.extend(_lint_process(filename, process, context, decisions))
    return problems


def errors_of(problems: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in problems if p.get("severity", "error") == "error"]


def _lint_process(
    filename: str, process: etree._Element, context: LintContext, decisions: set[str]
) -> Iterator[dict[str, Any]]:
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname
        if etree.QName(element).namespace != BPMN_NS:
            continue
        yield from _by_tag(filename, process, element, tag, context, decisions)
        for kind in ("preScript", "postScript"):
            for script in element.findall(f"{_B}extensionElements/{_S}{kind}"):
                yield from _code(filename, element, script.text or "", "exec", kind)


def _by_tag(
    filename: str,
    process: etree._Element,
    element: etree._Element,
    tag: str,
    context: LintContext,
    decisions: set[str],
) -> Iterator[dict[str, Any]]:
    if tag == "serviceTask":
        yield from _service_task(filename, element, context)
    elif tag == "businessRuleTask":
        yield from _business_rule_task(filename, element, decisions)
    elif tag in ("userTask", "manualTask"):
        yield from _user_task(filename, element, context)
    elif tag == "scriptTask":
        script = element.findtext(f"{_B}script") or ""
        yield from _code(filename, element, script, "exec", "script")
    elif tag == "sequenceFlow":
        condition = element.findtext(f"{_B}conditionExpression")
        if condition and condition.strip():
            yield from _code(filename, element, condition, "eval", "condition")
    elif tag == "timerEventDefinition":
        yield from _timer(filename, element)
    elif tag == "lane":
        yield from _lane(filename, process, element, context)


def _service_task(
    filename: str, element: etree._Element, context: LintContext
) -> Iterator[dict[str, Any]]:
    operator = element.find(f"{_B}extensionElements/{_S}serviceTaskOperator")
    if operator is None:
        yield problem(
            filename, element, "the service task names no operator", rule="operator_exists"
        )
        return
    name = operator.get("id") or ""
    if context.operators is not None and name not in context.operators:
        known = ", ".join(sorted(context.operators)) or "none"
        yield problem(
            filename,
            element,
            f"unknown service-task operator '{name}' (known: {known})",
            rule="operator_exists",
        )
    for parameter in operator.iter(f"{_S}parameter"):
        value = parameter.get("value") or ""
        what = f"parameter '{parameter.get('id')}'"
        yield from _code(filename, element, value, "eval", what)


def _business_rule_task(
    filename: str, element: etree._Element, decisions: set[str]
) -> Iterator[dict[str, Any]]:
    called = (element.findtext(f"{_B}extensionElements/{_S}calledDecisionId") or "").strip()
    if not called:
        yield problem(
            filename, element, "the business rule task calls no decision", rule="decision_exists"
        )
    elif called not in decisions:
        known = ", ".join(sorted(decisions)) or "none"
        yield problem(
            filename,
            element,
            f"the called decision '{called}' is not in the bundle (known: {known})",
            rule="decision_exists",
        )


def _properties(element: etree._Element) -> dict[str, str]:
    return {
        p.get("name") or "": p.get("value") or ""
        for p in element.findall(f"{_B}extensionElements/{_S}properties/{_S}property")
    }


def _user_task(
    filename: str, element: etree._Element, context: LintContext
) -> Iterator[dict[str, Any]]:
    props = _properties(element)
    for name in FORM_PROPERTIES:
        form = props.get(name)
        if form and context.form_exists is not None and not context.form_exists(form):
            yield problem(
                filename, element, f"the form file '{form}' does not exist", rule="form_exists"
            )
    for name in EXPRESSION_PROPERTIES:
        if props.get(name):
            yield from _code(filename, element, props[name], "eval", name)
    groups = _literal_names(props.get("candidateGroups"))
    if groups is not None and context.groups is not None:
        for group in groups:
            if group not in context.groups:
                yield problem(
                    filename,
                    element,
                    f"the candidate group '{group}' does not exist",
                    rule="group_exists",
                )


def _literal_names(expression: str | None) -> list[str] | None:
    """Return the group names of a literal ('legal', ['legal']); None for real expressions."""
    if not expression:
        return None
    try:
        value = ast.literal_eval(expression)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _lane(
    filename: str, process: etree._Element, lane: etree._Element, context: LintContext
) -> Iterator[dict[str, Any]]:
    if context.groups is None or not lane.get("name"):
        return
    refs = {r.text for r in lane.findall(f"{_B}flowNodeRef")}
    uses_lane = False
    for tag in ("userTask", "manualTask"):
        for task in process.iter(f"{_B}{tag}"):
            props = _properties(task)
            if task.get("id") in refs and not (
                props.get("candidateGroups") or props.get("candidateUsers")
            ):
                uses_lane = True
    if uses_lane and lane.get("name") not in context.groups:
        yield problem(
            filename,
            lane,
            f"the lane '{lane.get('name')}' names a candidate group that does not exist",
            rule="group_exists",
        )


def _timer(filename: str, definition: etree._Element) -> Iterator[dict[str, Any]]:
    event = definition.getparent()
    for kind in TIMER_KINDS:
        node = definition.find(f"{_B}{kind}")
        if node is None:
            continue
        text = (node.text or "").strip()
        if not text:
            yield problem(filename, event, f"the timer's {kind} is empty", rule="timer_parses")
            continue
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            yield from _code(filename, event, text, "eval", f"timer {kind}")
            continue
        try:
            check_timer_literal(kind, str(value))
        except ValueError as exc:
            yield problem(filename, event, str(exc), rule="timer_parses")


def _code(
    filename: str, element: etree._Element | None, source: str, mode: str, what: str
) -> Iterator[dict[str, Any]]:
    try:
        compile(source, f"<{what}>", mode, dont_inherit=True)
        check_script(source)
    except SyntaxError as exc:
        yield problem(
            filename, element, f"the {what} is not valid Python: {exc.msg}", rule="script_compiles"
        )
    except UnsafeScriptError as exc:
        yield problem(filename, element, f"the {what} is not allowed: {exc}", rule="script_safe")
    except (ValueError, MemoryError, RecursionError) as exc:
        yield problem(
            filename, element, f"the {what} cannot be read: {exc}", rule="script_compiles"
        )


__all__ = ["LintContext", "errors_of", "lint_bundle", "problem"]
