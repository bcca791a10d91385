"""Parse and validate a bundle of BPMN and DMN files into process specs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import DefinitionError, InvalidInputError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)

# No network, no entity expansion, no DTD loading: uploaded XML is untrusted.
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class NotXmlError(InvalidInputError):
    """An upload is not an XML document at all (the web layer answers 415)."""

    code = "not_xml"


@dataclass
class ParsedBundle:
    """Every executable process of a bundle, parsed, plus its checksum."""

    checksum: str
    specs: dict[str, Any] = field(default_factory=dict)
    subprocess_specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    source_files: dict[str, str] = field(default_factory=dict)
    decision_files: list[str] = field(default_factory=list)

    def files_for(self, process_id: str, files: dict[str, str]) -> dict[str, str]:
        """Return the part of the bundle one process needs: its BPMN file and the DMN files."""
        names = {self.source_files[process_id], *self.decision_files}
        return {name: files[name] for name in sorted(names)}


def checksum_of(files: dict[str, str]) -> str:
    """Return a SHA-256 over the bundle's file names and contents, order-independent."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(files[name].encode())
        digest.update(b"\0")
    return digest.hexdigest()


def parse_xml(text: str, filename: str) -> etree._Element:
    """Parse XML text safely, or raise DefinitionError naming the file and line."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise DefinitionError(
            f"{filename}: DOCTYPE and entity declarations are not allowed",
            details=[_problem(filename, None, "DOCTYPE/ENTITY declarations are not allowed")],
        )
    try:
        return etree.fromstring(text.encode("utf-8"), parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(
            f"{filename}: malformed XML: {exc}",
            details=[_problem(filename, None, f"malformed XML: {exc}", line=exc.lineno)],
        ) from exc


def parse_xml_bytes(data: bytes, filename: str) -> etree._Element:
    """Parse XML bytes safely, honouring the encoding its header declares."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DefinitionError(
            f"{filename}: DOCTYPE and entity declarations are not allowed",
            details=[_problem(filename, None, "DOCTYPE/ENTITY declarations are not allowed")],
        )
    if not head.startswith(b"<"):
        raise NotXmlError(f"{filename}: the file is not an XML document")
    try:
        return etree.fromstring(data, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(
            f"{filename}: malformed XML: {exc}",
            details=[_problem(filename, None, f"malformed XML: {exc}", line=exc.lineno)],
        ) from exc


def parse_bundle(files: dict[str, str]) -> ParsedBundle:
    """Validate (XSD + SpiffWorkflow parser) and parse every executable process."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    bpmn_roots: list[tuple[str, etree._Element]] = []
    decision_files: list[str] = []
    try:
        for filename, text in sorted(files.items()):
            root = parse_xml(text, filename)
            namespace = etree.QName(root).namespace
            if namespace == BPMN_NS:
                parser.add_bpmn_xml(root, filename=filename)
                bpmn_roots.append((filename, root))
            elif namespace in DMN_NAMESPACES:
                parser.add_dmn_xml(root, filename=filename)
                decision_files.append(filename)
            else:
                raise DefinitionError(
                    f"{filename}: not a BPMN or DMN document (root namespace {namespace!r})",
                    details=[_problem(filename, None, "not a BPMN or DMN document")],
                )
        bundle = ParsedBundle(checksum=checksum_of(files), decision_files=decision_files)
        for filename, root in bpmn_roots:
            for process in root.iterfind(f"{{{BPMN_NS}}}process"):
                if process.get("isExecutable", "false").lower() != "true":
                    continue
                process_id = process.get("id")
                bundle.specs[process_id] = parser.get_spec(process_id)
                bundle.subprocess_specs[process_id] = parser.get_subprocess_specs(process_id)
                bundle.names[process_id] = process.get("name") or process_id
                bundle.source_files[process_id] = filename
    except ValidationException as exc:
        raise DefinitionError(
            str(exc),
            details=[
                _problem(
                    exc.file_name,
                    exc.id,
                    str(exc).split("\n")[0],
                    line=exc.line_number,
                    name=exc.name,
                    tag=exc.tag,
                )
            ],
        ) from exc
    except SpiffWorkflowException as exc:
        raise DefinitionError(str(exc), details=[_problem(None, None, str(exc))]) from exc
    if not bundle.specs:
        raise DefinitionError(
            'the bundle has no executable process (isExecutable="true")',
            details=[_problem(None, None, 'no process is marked isExecutable="true"')],
        )
    return bundle


def _problem(
    filename: str | None,
    element_id: str | None,
    message: str,
    *,
    line: Any = None,
    name: str | None = None,
    tag: str | None = None,
) -> dict[str, Any]:
    return {
        "file": filename or None,
        "element_id": element_id or None,
        "element_name": name or None,
        "element_type": tag or None,
        "line": line or None,
        "message": message,
    }
