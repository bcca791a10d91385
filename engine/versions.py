"""Compare two versions of a process definition element by element; redeploy an old one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import latest_definition
from engine.errors import ConflictError, NotFoundError
from engine.models import ProcessDefinition
from engine.spiff.parser import BPMN_NS, DMN_NAMESPACES, parse_xml

MODEL_NAMESPACES = {BPMN_NS, *DMN_NAMESPACES}
# Children whose text is part of their parent's meaning, compared as named aspects.
TEXT_ASPECTS = {
    "script": "script",
    "conditionExpression": "condition",
    "documentation": "documentation",
    "text": "text",
    "timeDuration": "timer",
    "timeDate": "timer",
    "timeCycle": "timer",
    "incoming": "flows",
    "outgoing": "flows",
    "flowNodeRef": "lane members",
}
IGNORED_ATTRIBUTES = {"id", "name"}


@dataclass
class ElementChange:
    element_id: str
    element_type: str
    element_name: str | None
    file: str
    aspects: list[str] = field(default_factory=list)


@dataclass
class VersionComparison:
    key: str
    from_version: int
    to_version: int
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)


@dataclass
class _Element:
    file: str
    tag: str
    name: str | None
    attributes: dict[str, str]
    texts: dict[str, list[str]]
    extensions: bytes


def get_version(session: Session, key: str, version: int) -> ProcessDefinition:
    """Return one version of a process, or raise NotFoundError."""
    definition = session.scalars(
        select(ProcessDefinition).where(
            ProcessDefinition.key == key, ProcessDefinition.version == version
        )
    ).first()
    if definition is None:
        raise NotFoundError(
            f"process '{key}' has no version {version}", details={"key": key, "version": version}
        )
    return definition


def list_versions(session: Session, key: str) -> list[ProcessDefinition]:
    """Return every version of a process, newest first."""
    return list(
        session.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.key == key)
            .order_by(ProcessDefinition.version.desc())
        )
    )


def compare_versions(
    session: Session, key: str, from_version: int, to_version: int
) -> VersionComparison:
    """List the elements added, removed and changed (with which aspects) between versions."""
    old = _index(get_version(session, key, from_version).files)
    new = _index(get_version(session, key, to_version).files)
    result = VersionComparison(key, from_version, to_version)
    for element_id in sorted(new.keys() - old.keys()):
        result.added.append(_change(element_id, new[element_id]))
    for element_id in sorted(old.keys() - new.keys()):
        result.removed.append(_change(element_id, old[element_id]))
    for element_id in sorted(old.keys() & new.keys()):
        aspects = _aspects(old[element_id], new[element_id])
        if aspects:
            result.changed.append(_change(element_id, new[element_id], aspects))
    return result


def _change(element_id: str, element: _Element, aspects: list[str] | None = None) -> ElementChange:
    return ElementChange(element_id, element.tag, element.name, element.file, aspects or [])


def _aspects(old: _Element, new: _Element) -> list[str]:
    aspects: list[str] = []
    if old.tag != new.tag:
        aspects.append("type")
    if old.name != new.name:
        aspects.append("name")
    for attribute in sorted(old.attributes.keys() | new.attributes.keys()):
        if old.attributes.get(attribute) != new.attributes.get(attribute):
            aspects.append(f"attribute:{attribute}")
    if old.extensions != new.extensions:
        aspects.append("extensionElements")
    for aspect in sorted(old.texts.keys() | new.texts.keys()):
        if sorted(old.texts.get(aspect, [])) != sorted(new.texts.get(aspect, [])):
            aspects.append(aspect)
    return aspects


def _index(files: dict[str, Any]) -> dict[str, _Element]:
    elements: dict[str, _Element] = {}
    for filename, text in sorted(files.items()):
        root = parse_xml(text, filename)
        for node in root.iter():
            if not isinstance(node.tag, str) or node.get("id") is None:
                continue
            qname = etree.QName(node)
            if qname.namespace not in MODEL_NAMESPACES or node is root:
                continue
            elements[node.get("id")] = _describe(filename, node)
    return elements


def _describe(filename: str, node: etree._Element) -> _Element:
    attributes = {
        etree.QName(name).localname if "}" not in name else name: value
        for name, value in node.attrib.items()
        if name not in IGNORED_ATTRIBUTES
    }
    texts: dict[str, list[str]] = {}
    extensions = b""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "extensionElements":
            extensions = etree.tostring(child, method="c14n")
        elif local in TEXT_ASPECTS:
            texts.setdefault(TEXT_ASPECTS[local], []).append((child.text or "").strip())
        elif local.endswith("EventDefinition"):
            for timer in child:
                if isinstance(timer.tag, str) and etree.QName(timer).localname in TEXT_ASPECTS:
                    texts.setdefault("timer", []).append((timer.text or "").strip())
    return _Element(
        filename, etree.QName(node).localname, node.get("name"), attributes, texts, extensions
    )


def redeploy_version(
    session: Session, key: str, version: int, *, actor: str | None, note: str = ""
) -> ProcessDefinition:
    """Deploy the files of an older version again, as the newest version."""
    source = get_version(session, key, version)
    latest = latest_definition(session, key)
    assert latest is not None
    if latest.checksum == source.checksum:
        raise ConflictError(
            f"version {version} of '{key}' is identical to the newest version {latest.version}",
            details={"key": key, "version": version, "latest": latest.version},
        )
    label = f"redeployed from v{version}"
    definition = ProcessDefinition(
        key=key,
        name=source.name,
        version=latest.version + 1,
        checksum=source.checksum,
        files=dict(source.files),
        deployed_by=actor,
        note=f"{label}: {note}" if note else label,
    )
    session.add(definition)
    session.flush()
    return definition


__all__ = [
    "ElementChange",
    "VersionComparison",
    "compare_versions",
    "get_version",
    "list_versions",
    "redeploy_version",
]
