"""Process administration use cases: deploy, compare, redeploy, import, routing cases.

Instances (inspect, retry, migrate) are in `contracts.process_admin.instances`.

Only process admins (and admins) may call these; every change is audited.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts import audit
from contracts.approval import routing_simulator
from contracts.approval.forms import FormLibrary
from contracts.errors import PermissionDeniedError, ValidationError
from contracts.identity.actor import Actor
from contracts.identity.models import Department, Group, Role, User
from engine import definitions, import_analysis, instances, versions
from engine.lint import LintContext
from engine.models import ProcessDefinition
from engine.operators import OperatorRegistry, OperatorSpec


def require_process_admin(user: User) -> None:
    """Raise PermissionDeniedError unless the user is a process admin or an admin."""
    if not user.has_role(Role.PROCESS_ADMIN, Role.ADMIN):
        raise PermissionDeniedError("only process admins may manage processes")


def modeler_choices(
    actor: Actor, operators: OperatorRegistry, forms: FormLibrary
) -> tuple[list[str], list[str]]:
    """Return what a diagram may name: the service-task operators and the form files."""
    require_process_admin(actor.user)
    return operators.names(), forms.file_names()


def lint_context(session: Session, forms: FormLibrary, operators: OperatorRegistry) -> LintContext:
    """Return what deployed bundles are checked against: operators, forms, groups."""
    groups = set(session.scalars(select(Group.name)))
    groups.update(f"dept_manager:{code}" for code in session.scalars(select(Department.code)))

    def form_exists(name: str) -> bool:
        return "/" not in name and "\\" not in name and (forms.directory / name).is_file()

    return LintContext(
        operators=frozenset(operators.names()), form_exists=form_exists, groups=frozenset(groups)
    )


def _audit(session: Session, actor: Actor, action: str, object_id: Any, **details: Any) -> None:
    object_type = "process_instance" if action.startswith("instance.") else "process_definition"
    audit.record_as(
        session,
        action,
        actor,
        object_type=object_type,
        object_id=object_id,
        details=details or None,
    )


def deploy_shipped(session: Session, directory: Path, *, by: str) -> list[ProcessDefinition]:
    """Deploy the BPMN/DMN files of a directory as new versions; unchanged files stay as they are.

    For set-up and the command line, where no person acts: `by` names the tool.
    """
    return definitions.deploy_directory(session, directory, actor=by)


def list_processes(session: Session, actor: Actor) -> list[tuple[ProcessDefinition, int]]:
    """Return the newest version of every process with its number of versions."""
    require_process_admin(actor.user)
    counts = dict(
        session.execute(
            select(ProcessDefinition.key, func.count()).group_by(ProcessDefinition.key)
        ).all()
    )
    return [
        (definitions.latest_definition(session, key), int(count))  # type: ignore[misc]
        for key, count in sorted(counts.items())
    ]


def list_versions(session: Session, key: str, actor: Actor) -> list[ProcessDefinition]:
    require_process_admin(actor.user)
    found = versions.list_versions(session, key)
    if not found:
        definitions.latest_definition(session, key)  # raises NotFoundError
    return found


def get_version(session: Session, key: str, version: int, actor: Actor) -> ProcessDefinition:
    require_process_admin(actor.user)
    return versions.get_version(session, key, version)


def validate(
    session: Session, files: dict[str, str], actor: Actor, lint: LintContext
) -> list[dict[str, Any]]:
    """Return every problem of a draft bundle (nothing is deployed)."""
    require_process_admin(actor.user)
    problems = definitions.validate(files, lint)
    if any(p.get("severity", "error") == "error" for p in problems):
        return problems
    return problems + routing_simulator.failing_cases(session, files)


def deploy(
    session: Session, files: dict[str, str], note: str, actor: Actor, lint: LintContext
) -> list[ProcessDefinition]:
    """Validate (XSD, parser, lint, saved routing cases) and deploy a bundle as new versions."""
    require_process_admin(actor.user)
    definitions.validate_or_raise(files, lint)
    routing_simulator.require_cases_pass(session, files)
    deployed = definitions.deploy(session, files, actor=actor.username, note=note)
    for definition in deployed:
        _audit(
            session,
            actor,
            "process.deploy",
            definition.id,
            key=definition.key,
            version=definition.version,
            note=note,
        )
    return deployed


def compare(
    session: Session, key: str, from_version: int, to_version: int, actor: Actor
) -> versions.VersionComparison:
    require_process_admin(actor.user)
    return versions.compare_versions(session, key, from_version, to_version)


def redeploy(
    session: Session, key: str, version: int, note: str, actor: Actor
) -> ProcessDefinition:
    """Make an older version the newest again."""
    require_process_admin(actor.user)
    definition = versions.redeploy_version(session, key, version, actor=actor.username, note=note)
    _audit(
        session,
        actor,
        "process.redeploy",
        definition.id,
        key=key,
        version=definition.version,
        source_version=version,
    )
    return definition


def import_file(
    session: Session, data: bytes, filename: str, actor: Actor, lint: LintContext
) -> import_analysis.ImportResult:
    """Deploy a BPMN file from another modeler, or list what it lacks."""
    require_process_admin(actor.user)
    result = import_analysis.import_bpmn(session, data, filename, lint=lint, actor=actor.username)
    _audit(
        session,
        actor,
        "process.import",
        None,
        filename=result.filename,
        status=result.status,
        deployed=[f"{d.key} v{d.version}" for d in result.deployed],
        missing=len(result.missing),
    )
    return result


def heatmap(
    session: Session,
    key: str,
    actor: Actor,
    *,
    since: datetime | None,
    until: datetime | None,
    version: int | None,
) -> list[instances.TaskTiming]:
    require_process_admin(actor.user)
    definitions.latest_definition(session, key)
    return instances.heatmap(session, key, since=since, until=until, version=version)


def save_routing_case(session: Session, raw: Any, actor: Actor) -> Any:
    require_process_admin(actor.user)
    case = routing_simulator.save_case(session, raw, actor.username)
    audit.record_as(
        session,
        "routing_case.create",
        actor,
        object_type="routing_case",
        object_id=case.id,
        details={"name": case.name},
    )
    return case


def delete_routing_case(session: Session, case_id: int, actor: Actor) -> None:
    require_process_admin(actor.user)
    routing_simulator.delete_case(session, case_id)
    audit.record_as(
        session, "routing_case.delete", actor, object_type="routing_case", object_id=case_id
    )


def list_routing_cases(session: Session, actor: Actor) -> list[routing_simulator.RoutingCase]:
    """Return the saved routing cases (they must pass before a routing DMN is deployed)."""
    require_process_admin(actor.user)
    return routing_simulator.list_cases(session)


def simulate_routing(
    session: Session, body: dict[str, Any], actor: Actor
) -> routing_simulator.RoutingSimulation:
    """Return the approvers a contract would get from the deployed or a draft routing DMN."""
    require_process_admin(actor.user)
    facts = routing_simulator.facts_from(session, body)
    draft = body.get("dmn")
    if draft is not None and not isinstance(draft, str):
        raise ValidationError({"dmn": ["must be the DMN XML text"]})
    return routing_simulator.simulate(session, draft_dmn=draft, **facts)


def list_operators(actor: Actor, operators: OperatorRegistry) -> list[tuple[str, OperatorSpec]]:
    """Return the service-task operators a diagram may name, with their specs."""
    require_process_admin(actor.user)
    return [(name, operators.get(name)) for name in operators.names()]
