"""Import a BPMN file drawn in another modeler: deploy it, or say what is missing.

Files from other tools are mostly documentation models (isExecutable="false",
no scripts, no operators). Rather than a parser error, the process admin gets
a list of what to add, element by element.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session

from engine import definitions
from engine.errors import DefinitionError
from engine.lint import SPIFF_NS, LintContext
from engine.models import ProcessDefinition
from engine.spiff.parser import BPMN_NS, parse_xml_bytes
from engine.spiff.script_engine import UnsafeScriptError, check_script

log = logging.getLogger(__name__)

_B = f"{{{BPMN_NS}}}"
_S = f"{{{SPIFF_NS}}}"
MAX_IMPORT_BYTES = 5 * 1024 * 1024

FLOW_NODES = {
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "startEvent",
    "endEvent",
    "boundaryEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
}
STRUCTURE = {
    "sequenceFlow",
    "laneSet",
    "lane",
    "childLaneSet",
    "flowNodeRef",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "dataStore",
    "textAnnotation",
    "text",
    "association",
    "group",
    "ioSpecification",
    "dataInput",
    "dataOutput",
    "inputSet",
    "outputSet",
    "dataInputRefs",
    "dataOutputRefs",
    "property",
    "dataInputAssociation",
    "dataOutputAssociation",
    "sourceRef",
    "targetRef",
    "transformation",
    "assignment",
    "from",
    "to",
    "extensionElements",
    "documentation",
    "incoming",
    "outgoing",
    "conditionExpression",
    "script",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
    "loopCardinality",
    "loopDataInputRef",
    "loopDataOutputRef",
    "inputDataItem",
    "outputDataItem",
    "completionCondition",
    "loopCondition",
    "itemDefinition",
    "correlationPropertyRef",
    "auditing",
    "monitoring",
    "performer",
    "humanPerformer",
    "potentialOwner",
    "resourceAssignmentExpression",
    "resourceRef",
    "formalExpression",
    "expression",
    "categoryValueRef",
    "supportedInterfaceRef",
    "ioBinding",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "messageRef",
    "signalRef",
    "errorRef",
    "escalationRef",
    "eventDefinitionRef",
    "linkEventDefinition",
    "source",
    "target",
    "messageEventDefinition",
    "timerEventDefinition",
    "signalEventDefinition",
    "errorEventDefinition",
    "escalationEventDefinition",
    "compensateEventDefinition",
    "cancelEventDefinition",
    "terminateEventDefinition",
    "conditionalEventDefinition",
    "condition",
    "dataState",
    "lanes",
    "partitionElement",
    "rendering",
}
REPLACEMENTS = {
    "complexGateway": "replace it by an exclusive or inclusive gateway with conditions",
    "globalTask": "replace the global task by a task inside the process",
    "globalUserTask": "replace the global user task by a user task inside the process",
    "globalManualTask": "replace the global manual task by a user task inside the process",
    "globalScriptTask": "replace the global script task by a script task inside the process",
    "globalBusinessRuleTask": "replace it by a business rule task inside the process",
    "choreography": "choreographies are not executable: model the process instead",
    "callChoreography": "choreographies are not executable: model the process instead",
}


@dataclass
class ImportResult:
    """Either the deployed versions or what is missing, element by element."""

    filename: str
    status: str  # "deployed" | "incomplete"
    deployed: list[ProcessDefinition] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)


def _missing(element: etree._Element, what_to_add: str) -> dict[str, Any]:
    return {
        "element_id": element.get("id"),
        "element_name": element.get("name"),
        "element_type": etree.QName(element).localname,
        "line": element.sourceline,
        "what_to_add": what_to_add,
    }


def import_bpmn(
    session: Session,
    data: bytes,
    filename: str,
    *,
    lint: LintContext,
    actor: str | None,
    note: str = "",
) -> ImportResult:
    """Deploy an uploaded BPMN file when it is executable and complete; else list what is missing.

    Raises DefinitionError (malformed, entities, not BPMN) and NotXmlError (not XML at all).
    """
    filename = _safe_name(filename)
    root = parse_xml_bytes(data, filename)
    if etree.QName(root).namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        raise DefinitionError(
            f"{filename}: not a BPMN document (root element {etree.QName(root).text})",
            details=[{"file": filename, "element_id": None, "message": "not a BPMN document"}],
        )
    missing = list(analyse(root, lint))
    if missing:
        return ImportResult(filename, "incomplete", missing=missing)
    files = {filename: etree.tostring(root, encoding="unicode")}
    try:
        deployed = definitions.deploy(
            session, files, actor=actor, note=note or f"imported from {filename}", lint=lint
        )
    except DefinitionError as exc:
        problems = exc.details if isinstance(exc.details, list) else []
        return ImportResult(filename, "incomplete", missing=_from_problems(root, problems, exc))
    except Exception as exc:  # a model the parser chokes on must still get an answer
        log.warning("import of %s: the parser failed: %r", filename, exc)
        item = _missing(root, f"the SpiffWorkflow parser cannot read this model: {exc}")
        return ImportResult(filename, "incomplete", missing=[item])
    return ImportResult(filename, "deployed", deployed=deployed)


def _safe_name(filename: str) -> str:
    name = posixpath.basename((filename or "").replace("\\", "/")) or "imported.bpmn"
    return name if name.endswith(".bpmn") else f"{name}.bpmn"


def _from_problems(
    root: etree._Element, problems: list[dict[str, Any]], exc: DefinitionError
) -> list[dict[str, Any]]:
    items = []
    for p in problems or [{"message": exc.message}]:
        items.append(
            {
                "element_id": p.get("element_id") or root.get("id"),
                "element_name": p.get("element_name"),
                "element_type": p.get("element_type") or ("definitions"),
                "line": p.get("line"),
                "what_to_add": f"fix: {p.get('message')}",
            }
        )
    return items


def analyse(root: etree._Element, lint: LintContext) -> Iterator[dict[str, Any]]:
    """Yield what an imported BPMN document lacks to run here, element by element."""
    processes = {p.get("id"): p for p in root.iter(f"{_B}process")}
    messages = {m.get("id") for m in root.iter(f"{_B}message")}
    if not processes:
        yield _missing(root, "the file has no process: add a bpmn:process")
    for child in root:
        if isinstance(child.tag, str) and etree.QName(child).localname in REPLACEMENTS:
            what = REPLACEMENTS[etree.QName(child).localname]
            yield _missing(child, f"{etree.QName(child).localname} is not supported: {what}")
    for process in processes.values():
        if process.get("isExecutable", "false").lower() != "true":
            yield _missing(process, 'mark the process executable (isExecutable="true")')
        yield from _flow_elements(process, processes, messages, lint)


def _flow_elements(
    container: etree._Element,
    processes: dict[str | None, etree._Element],
    messages: set[str | None],
    lint: LintContext,
) -> Iterator[dict[str, Any]]:
    defaults = {e.get("default") for e in container if isinstance(e.tag, str)}
    for element in container:
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        tag = etree.QName(element).localname
        if tag in REPLACEMENTS:
            yield _missing(element, f"{tag} is not supported: {REPLACEMENTS[tag]}")
        elif tag not in FLOW_NODES and tag not in STRUCTURE:
            yield _missing(element, f"{tag} is not supported here: remove or replace it")
        yield from _element(element, tag, container, processes, messages, lint, defaults)
        if tag in ("subProcess", "transaction", "adHocSubProcess"):
            yield from _flow_elements(element, processes, messages, lint)


def _element(
    element: etree._Element,
    tag: str,
    container: etree._Element,
    processes: dict[str | None, etree._Element],
    messages: set[str | None],
    lint: LintContext,
    defaults: set[str | None],
) -> Iterator[dict[str, Any]]:
    if tag == "serviceTask":
        yield from _service_task(element, lint)
    elif tag == "businessRuleTask":
        yield from _business_rule_task(element)
    elif tag == "scriptTask":
        yield from _script(element, element.findtext(f"{_B}script"), "exec", "a script")
    elif tag == "userTask":
        yield from _user_task(element)
    elif tag == "callActivity":
        yield from _call_activity(element, processes)
    elif tag in ("sendTask", "receiveTask") and not element.get("messageRef"):
        yield _missing(element, "add a messageRef: the message this task sends or receives")
    elif tag == "sequenceFlow":
        yield from _flow(element, container, defaults)
    if tag.endswith("Event"):
        yield from _event(element, messages)


def _business_rule_task(element: etree._Element) -> Iterator[dict[str, Any]]:
    if not (element.findtext(f"{_B}extensionElements/{_S}calledDecisionId") or "").strip():
        yield _missing(element, "add a calledDecisionId (spiffworkflow:calledDecisionId)")


def _user_task(element: etree._Element) -> Iterator[dict[str, Any]]:
    props = element.findall(f"{_B}extensionElements/{_S}properties/{_S}property")
    if not any(p.get("name") == "formJsonSchemaFilename" for p in props):
        yield _missing(element, "add a form (spiffworkflow:property formJsonSchemaFilename)")


def _call_activity(
    element: etree._Element, processes: dict[str | None, etree._Element]
) -> Iterator[dict[str, Any]]:
    called = element.get("calledElement")
    if not called:
        yield _missing(element, "add calledElement: the id of the process to call")
    elif called not in processes:
        yield _missing(
            element, f"the call activity calls {called} which is not in the file: add it"
        )


def _service_task(element: etree._Element, lint: LintContext) -> Iterator[dict[str, Any]]:
    operator = element.find(f"{_B}extensionElements/{_S}serviceTaskOperator")
    if operator is None:
        yield _missing(element, "add a spiffworkflow:serviceTaskOperator to this service task")
    elif lint.operators is not None and operator.get("id") not in lint.operators:
        known = ", ".join(sorted(lint.operators))
        yield _missing(
            element, f"use a known operator instead of '{operator.get('id')}' (one of: {known})"
        )


def _event(element: etree._Element, messages: set[str | None]) -> Iterator[dict[str, Any]]:
    for timer in element.findall(f"{_B}timerEventDefinition"):
        if not any(
            (timer.findtext(f"{_B}{kind}") or "").strip()
            for kind in ("timeDuration", "timeDate", "timeCycle")
        ):
            yield _missing(element, "add a timer expression (timeDuration, timeDate or timeCycle)")
    for message in element.findall(f"{_B}messageEventDefinition"):
        ref = message.get("messageRef")
        if not ref:
            yield _missing(element, "message event has no message: add a messageRef")
        elif ref not in messages:
            yield _missing(element, f"the message '{ref}' is not declared: add a bpmn:message")


def _flow(
    flow: etree._Element, container: etree._Element, defaults: set[str | None]
) -> Iterator[dict[str, Any]]:
    condition = flow.find(f"{_B}conditionExpression")
    if condition is not None and (condition.text or "").strip():
        yield from _script(flow, condition.text, "eval", "a condition")
        return
    source = container.find(f"*[@id='{flow.get('sourceRef')}']")
    if source is None or flow.get("id") in defaults:
        return
    if etree.QName(source).localname not in ("exclusiveGateway", "inclusiveGateway"):
        return
    outgoing = [
        f for f in container.iter(f"{_B}sequenceFlow") if f.get("sourceRef") == source.get("id")
    ]
    if len(outgoing) > 1:
        yield _missing(flow, "add a condition expression, or make this flow the gateway's default")


def _script(
    element: etree._Element, source: str | None, mode: str, what: str
) -> Iterator[dict[str, Any]]:
    if not (source or "").strip():
        yield _missing(element, f"add {what}")
        return
    try:
        compile(source or "", "<import>", mode, dont_inherit=True)
        check_script(source or "")
    except SyntaxError:
        yield _missing(element, f"rewrite {what} as a Python expression/statement")
    except UnsafeScriptError as exc:
        yield _missing(element, f"rewrite {what}: {exc}")
    except (ValueError, MemoryError, RecursionError):
        yield _missing(element, f"rewrite {what} as a Python expression/statement")


__all__ = ["MAX_IMPORT_BYTES", "ImportResult", "analyse", "import_bpmn"]
