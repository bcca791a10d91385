"""Deploy BPMN/DMN bundles as versioned process definitions; cache parsed specs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.errors import DefinitionError, NotFoundError
from engine.lint import LintContext, errors_of, lint_bundle
from engine.models import ProcessDefinition
from engine.spiff.parser import ParsedBundle, checksum_of, parse_bundle


class SpecCache:
    """Parsed bundles by checksum: each definition version is parsed once per process."""

    def __init__(self) -> None:
        self._bundles: dict[str, ParsedBundle] = {}
        self._lock = threading.Lock()

    def get(self, definition: ProcessDefinition) -> tuple[Any, dict[str, Any]]:
        """Return (spec, subprocess_specs) for a definition, parsing on first use."""
        bundle = self._bundles.get(definition.checksum)
        if bundle is None:
            parsed = parse_bundle(definition.files)
            with self._lock:
                bundle = self._bundles.setdefault(definition.checksum, parsed)
        return bundle.specs[definition.key], bundle.subprocess_specs[definition.key]

    def clear(self) -> None:
        with self._lock:
            self._bundles.clear()


spec_cache = SpecCache()


def validate(files: dict[str, str], lint: LintContext) -> list[dict[str, Any]]:
    """Return every problem of a bundle: XSD and parser first, then our lint rules."""
    try:
        parse_bundle(files)
    except DefinitionError as exc:
        return list(exc.details or [])
    return lint_bundle(files, lint)


def validate_or_raise(files: dict[str, str], lint: LintContext) -> None:
    """Raise DefinitionError listing every error-severity problem of a bundle."""
    parse_bundle(files)
    errors = errors_of(lint_bundle(files, lint))
    if errors:
        raise DefinitionError(
            f"{len(errors)} problem(s) in the bundle: {errors[0]['message']}", details=errors
        )


def deploy(
    session: Session,
    files: dict[str, str],
    *,
    actor: str | None = None,
    note: str = "",
    lint: LintContext | None = None,
) -> list[ProcessDefinition]:
    """Validate a bundle and add a new version of each process it holds.

    A process whose newest version already has this exact bundle is left alone,
    so deploying the shipped files at every start-up is idempotent. With a
    lint context, any error-severity lint problem refuses the whole bundle.
    """
    if lint is not None:
        validate_or_raise(files, lint)
    bundle = parse_bundle(files)
    deployed = []
    for key in sorted(bundle.specs):
        own_files = bundle.files_for(key, files)
        checksum = checksum_of(own_files)
        latest = latest_definition(session, key, required=False)
        if latest is not None and latest.checksum == checksum:
            deployed.append(latest)
            continue
        definition = ProcessDefinition(
            key=key,
            name=bundle.names.get(key, key),
            version=(latest.version + 1) if latest else 1,
            checksum=checksum,
            files=own_files,
            deployed_by=actor,
            note=note,
        )
        session.add(definition)
        deployed.append(definition)
    session.flush()
    return deployed


def read_bundle(directory: Path) -> dict[str, str]:
    """Read every .bpmn and .dmn file of a directory into a bundle."""
    files = {}
    for path in sorted(directory.iterdir()):
        if path.suffix in {".bpmn", ".dmn"}:
            files[path.name] = path.read_text(encoding="utf-8")
    return files


def deploy_directory(
    session: Session, directory: Path, *, actor: str | None = None
) -> list[ProcessDefinition]:
    """Deploy the shipped processes of a directory (idempotent)."""
    return deploy(
        session, read_bundle(directory), actor=actor, note=f"deployed from {directory.name}/"
    )


def latest_definition(
    session: Session, key: str, *, required: bool = True
) -> ProcessDefinition | None:
    """Return the newest deployed version of a process."""
    definition = session.scalars(_LATEST, {"key": key}).first()
    if definition is None and required:
        raise NotFoundError(f"no process definition '{key}' is deployed", details={"key": key})
    return definition


# Built once: every contract submission asks it.
_LATEST = select(ProcessDefinition).where(
    ProcessDefinition.key == bindparam("key"),
    ProcessDefinition.version
    == select(func.max(ProcessDefinition.version))
    .where(ProcessDefinition.key == bindparam("key"))
    .scalar_subquery(),
)


__all__ = [
    "SpecCache",
    "checksum_of",
    "deploy",
    "deploy_directory",
    "latest_definition",
    "spec_cache",
    "validate",
    "validate_or_raise",
]
