"""Process administration: definitions and versions, validate, deploy, compare, redeploy,
import from other modelers, the bottleneck heatmap and the routing simulator."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import current_app, request
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from contracts.errors import ValidationError
from contracts.process_admin import service as process_admin
from engine.import_analysis import MAX_IMPORT_BYTES
from engine.lint import LintContext
from engine.models import ProcessDefinition
from engine.spiff.parser import NotXmlError
from webui.admin_processes import shapes
from webui.api import bp
from webui.api.params import QueryReader
from webui.api.spec import json_object, operation, query, refusals
from webui.auth import current_actor
from webui.extensions import db
from webui.settings import form_library
from webui.wiring import engine_environment

_TAGS = ["admin-processes"]
_ERR = {401: None, 403: None, 404: None}


def version_json(d: ProcessDefinition, *, files: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": d.id,
        "key": d.key,
        "name": d.name,
        "version": d.version,
        "checksum": d.checksum,
        "deployed_at": d.deployed_at.isoformat(),
        "deployed_by": d.deployed_by,
        "note": d.note,
        "file_names": sorted(d.files),
    }
    if files:
        body["files"] = d.files
    return body


def _lint() -> LintContext:
    return process_admin.lint_context(db.session, form_library(), engine_environment().operators)


def _bundle(body: dict[str, Any]) -> dict[str, str]:
    files = body.get("files")
    if not isinstance(files, dict) or not files:
        raise ValidationError({"files": ["give an object of file name -> XML text"]})
    bad = [
        n for n, t in files.items() if not isinstance(t, str) or not n.endswith((".bpmn", ".dmn"))
    ]
    if bad:
        raise ValidationError({"files": [f"not a .bpmn/.dmn text file: {n}" for n in bad]})
    return files


@operation(
    bp,
    "/admin/processes",
    "GET",
    summary="Process definitions (newest version each)",
    tags=_TAGS,
    responses={200: shapes.ProcessVersionList, 401: None, 403: None},
)
@login_required
def list_processes() -> dict[str, Any]:
    rows = process_admin.list_processes(db.session, current_actor())
    return {"items": [{**version_json(d), "versions": n} for d, n in rows]}


@operation(
    bp,
    "/admin/processes/<key>/versions",
    "GET",
    summary="Every version of a process",
    tags=_TAGS,
    responses={200: shapes.ProcessVersionList, **_ERR},
)
@login_required
def list_versions(key: str) -> dict[str, Any]:
    found = process_admin.list_versions(db.session, key, current_actor())
    return {"items": [version_json(d) for d in found]}


@operation(
    bp,
    "/admin/processes/<key>/versions/<int:version>",
    "GET",
    summary="One version with its BPMN/DMN files",
    tags=_TAGS,
    responses={200: shapes.ProcessVersion, **_ERR},
)
@login_required
def get_version(key: str, version: int) -> dict[str, Any]:
    definition = process_admin.get_version(db.session, key, version, current_actor())
    return version_json(definition, files=True)


@operation(
    bp,
    "/admin/processes/validate",
    "POST",
    summary="Validate a draft bundle",
    tags=_TAGS,
    body=shapes.Bundle,
    responses={200: shapes.Validation, 400: None, 401: None, 403: None, 415: None, 422: None},
)
@login_required
def validate_bundle() -> dict[str, Any]:
    files = _bundle(json_object())
    problems = process_admin.validate(db.session, files, current_actor(), _lint())
    valid = not any(p.get("severity", "error") == "error" for p in problems)
    return {"valid": valid, "problems": problems}


@operation(
    bp,
    "/admin/processes/deploy",
    "POST",
    summary="Validate and deploy new versions",
    tags=_TAGS,
    body=shapes.Bundle,
    responses={201: shapes.Deployed, **refusals(400, 401, 403, 413, 415, 422)},
)
@login_required
def deploy_bundle() -> tuple[dict[str, Any], int]:
    body = json_object()
    note = str(body.get("note") or "")[:1000]
    deployed = process_admin.deploy(db.session, _bundle(body), note, current_actor(), _lint())
    db.session.commit()
    return {"deployed": [version_json(d) for d in deployed]}, 201


@operation(
    bp,
    "/admin/processes/<key>/compare",
    "GET",
    summary="Compare two versions",
    tags=_TAGS,
    params=[query("from", {"type": "integer"}), query("to", {"type": "integer"})],
    responses={200: shapes.VersionComparison, 422: None, **_ERR},
)
@login_required
def compare_versions(key: str) -> dict[str, Any]:
    read = QueryReader()
    old, new = read.integer("from", 0, 1, 10**6), read.integer("to", 0, 1, 10**6)
    if not old or not new:
        read.errors.setdefault("from/to", []).append("give both version numbers")
    read.done()
    result = process_admin.compare(db.session, key, old, new, current_actor())
    return {
        "key": key,
        "from": old,
        "to": new,
        **{
            name: [dataclasses.asdict(c) for c in getattr(result, name)]
            for name in ("added", "removed", "changed")
        },
    }


@operation(
    bp,
    "/admin/processes/<key>/versions/<int:version>/redeploy",
    "POST",
    summary="Deploy an older version again as the newest",
    tags=_TAGS,
    body=shapes.RedeployRequest,
    responses={201: shapes.ProcessVersion, 409: None, **_ERR},
)
@login_required
def redeploy_version(key: str, version: int) -> tuple[dict[str, Any], int]:
    body = request.get_json(silent=True) or {}
    note = str(body.get("note") or "")[:1000] if isinstance(body, dict) else ""
    definition = process_admin.redeploy(db.session, key, version, note, current_actor())
    db.session.commit()
    return version_json(definition), 201


@operation(
    bp,
    "/admin/processes/<key>/heatmap",
    "GET",
    summary="Median and p90 waiting time per user task",
    tags=_TAGS,
    params=[
        query("since", {"type": "string", "format": "date-time"}),
        query("until", {"type": "string", "format": "date-time"}),
        query("version", {"type": "integer"}),
    ],
    responses={200: shapes.Heatmap, 422: None, **_ERR},
)
@login_required
def heatmap(key: str) -> dict[str, Any]:
    read = QueryReader()
    since, until = read.moment("since"), read.moment("until")
    version = read.integer("version", 0, 1, 10**6) or None
    read.done()
    rows = process_admin.heatmap(
        db.session, key, current_actor(), since=since, until=until, version=version
    )
    return {
        "key": key,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "items": [dataclasses.asdict(r) for r in rows],
    }


def _upload() -> tuple[bytes, str]:
    length = request.content_length
    if length is not None and length > MAX_IMPORT_BYTES:
        raise RequestEntityTooLarge(f"a BPMN file may be at most {MAX_IMPORT_BYTES} bytes")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError({"file": ["attach the BPMN file as 'file'"]})
        data = upload.stream.read(MAX_IMPORT_BYTES + 1)
        name = upload.filename or "imported.bpmn"
    elif request.mimetype in ("application/xml", "text/xml", "application/octet-stream"):
        data = request.stream.read(MAX_IMPORT_BYTES + 1)
        name = request.args.get("filename") or "imported.bpmn"
    else:
        raise UnsupportedMediaType("send the BPMN file as multipart 'file' or application/xml")
    if len(data) > MAX_IMPORT_BYTES:
        raise RequestEntityTooLarge(f"a BPMN file may be at most {MAX_IMPORT_BYTES} bytes")
    return data, name


@operation(
    bp,
    "/admin/processes/import",
    "POST",
    summary="Import a BPMN file from another modeler: deploy it or list what is missing",
    tags=_TAGS,
    responses={
        200: shapes.ImportResult,
        201: shapes.ImportResult,
        **refusals(401, 403, 413, 415, 422),
    },
)
@login_required
def import_process() -> tuple[dict[str, Any], int]:
    process_admin.require_process_admin(current_actor().user)
    data, name = _upload()
    try:
        result = process_admin.import_file(db.session, data, name, current_actor(), _lint())
    except NotXmlError as exc:
        raise UnsupportedMediaType(exc.message) from exc
    db.session.commit()
    body = {
        "filename": result.filename,
        "status": result.status,
        "deployed": [version_json(d) for d in result.deployed],
        "missing": result.missing,
    }
    return body, 201 if result.status == "deployed" else 200


@operation(
    bp,
    "/admin/routing/simulate",
    "POST",
    summary="Approvers a contract would get (deployed or draft routing DMN)",
    tags=_TAGS,
    body=shapes.RoutingSimulationRequest,
    responses={200: shapes.RoutingSimulation, **refusals(400, 401, 403, 404, 415, 422)},
)
@login_required
def simulate_routing() -> dict[str, Any]:
    actor = current_actor()
    process_admin.require_process_admin(actor.user)  # refused before the body is read
    result = process_admin.simulate_routing(db.session, json_object(), actor)
    return {
        "amount_cny": f"{result.amount_cny:.2f}",
        "source": result.source,
        "approvers": [dataclasses.asdict(a) for a in result.approvers],
    }


def case_json(case: Any) -> dict[str, Any]:
    return {
        "id": case.id,
        "name": case.name,
        "inputs": case.inputs,
        "expected": case.expected,
        "created_by": case.created_by,
        "created_at": case.created_at.isoformat(),
    }


@operation(
    bp,
    "/admin/routing/cases",
    "GET",
    summary="Saved routing cases (must pass before a routing DMN is deployed)",
    tags=_TAGS,
    responses={200: shapes.RoutingCaseList, 401: None, 403: None},
)
@login_required
def list_routing_cases() -> dict[str, Any]:
    cases = process_admin.list_routing_cases(db.session, current_actor())
    return {"items": [case_json(c) for c in cases]}


@operation(
    bp,
    "/admin/routing/cases",
    "POST",
    summary="Save a routing case: inputs and the expected approver roles",
    tags=_TAGS,
    body=shapes.RoutingCase,
    responses={201: shapes.RoutingCase, 400: None, 401: None, 403: None, 415: None, 422: None},
)
@login_required
def save_routing_case() -> tuple[dict[str, Any], int]:
    case = process_admin.save_routing_case(db.session, json_object(), current_actor())
    db.session.commit()
    return case_json(case), 201


@operation(
    bp,
    "/admin/routing/cases/<int:case_id>",
    "DELETE",
    summary="Delete a routing case",
    tags=_TAGS,
    responses={204: None, **_ERR},
)
@login_required
def delete_routing_case(case_id: int) -> tuple[str, int]:
    process_admin.delete_routing_case(db.session, case_id, current_actor())
    db.session.commit()
    return "", 204


@operation(
    bp,
    "/admin/operators",
    "GET",
    summary="Service-task operators for the modeler",
    tags=_TAGS,
    responses={200: None, 401: None, 403: None},
)
@login_required
def list_operators() -> dict[str, Any]:
    items = []
    for name, spec in process_admin.list_operators(current_actor(), engine_environment().operators):
        items.append({"name": name, "description": spec.description, "parameters": spec.parameters})
    return {
        "items": items,
        "max_import_bytes": MAX_IMPORT_BYTES,
        "max_body_bytes": current_app.config.get("MAX_CONTENT_LENGTH"),
    }
