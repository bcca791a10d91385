"""The translated strings the page scripts show, handed to them as a data attribute."""

from __future__ import annotations

from flask_babel import gettext as _

from webui.admin_processes.dmn_labels import dmn_labels
from webui.labels import script_names

STATUSES = ("running", "completed", "suspended", "terminated", "error")


def common() -> dict[str, str]:
    """Labels every admin page script may use."""
    return {
        "deployed": _("Deployed"),
        "notDeployed": _("Not deployed, problems"),
        "validating": _("Validating…"),
        "failed": _("Failed"),
        "none": _("none"),
        "document": _("document"),
        "line": _("line"),
        "added": _("Added"),
        "changed": _("Changed"),
        "removed": _("Removed"),
        **{f"status_{s}": label for s, label in status_labels().items()},
        **script_names(),  # process, task and DMN column names we ship
    }


def status_labels() -> dict[str, str]:
    return {
        "running": _("running"),
        "completed": _("completed"),
        "suspended": _("suspended"),
        "terminated": _("terminated"),
        "error": _("error"),
    }


def modeler() -> dict[str, str]:
    """Labels of the modeler page and of our properties panel groups."""
    return {
        **common(),
        "noBpmnFile": _("This version has no BPMN file."),
        "importWarnings": _("Import warnings"),
        "choose": _("(choose)"),
        "userTaskGroup": _("Form and assignment"),
        "formSchema": _("Form (JSON schema file)"),
        "uiSchema": _("Form layout (UI schema file)"),
        "candidateGroups": _("Candidate groups"),
        "candidateGroupsHint": _("Expression, e.g. approver_group or 'legal'"),
        "candidateUsers": _("Candidate users"),
        "candidateUsersHint": _("Expression naming users, e.g. drafter"),
        "dueIn": _("Due in"),
        "dueInHint": _("ISO 8601 duration expression, e.g. 'P3D' or sla_period"),
        "inLane": _("Candidate group from the lane"),
        "operatorGroup": _("Service operator"),
        "operator": _("Operator"),
        "resultVariable": _("Result variable"),
        "parameters": _("Operator parameters"),
        "paramName": _("Name"),
        "paramType": _("Type"),
        "paramValue": _("Value"),
        "paramValueHint": _("An expression: quote text, e.g. 'approved'"),
        "decisionGroup": _("Decision"),
        "calledDecision": _("Called decision id"),
        "calledDecisionHint": _("The id of a deployed DMN decision, e.g. approval_routing"),
        "scriptGroup": _("Script"),
        "script": _("Python script"),
        "scriptHint": _("Runs in a restricted environment: no imports, no files."),
        "prePostGroup": _("Pre- and post-scripts"),
        "preScript": _("Before the task"),
        "postScript": _("After the task"),
        "laneGroup": _("Candidate group"),
        "laneHint": _("The lane name is the candidate group of the user tasks in it:"),
    }


def routing() -> dict[str, str]:
    """Labels of the DMN editor and routing simulator page."""
    return {
        **common(),
        "noDmn": _("No deployed version holds the routing table."),
        "noApprovers": _("No approvers: no rule matched."),
        "groups": _("Candidate groups"),
        "amountCny": _("Amount in CNY"),
        "delete": _("Delete"),
        "pass": _("pass"),
        "fail": _("FAIL"),
        "unnamedCase": _("Unnamed case"),
        "caseFails": _("Saved case fails"),
        "columns": _("Columns of the table"),
        **dmn_labels(),  # the editor's own words (When, Then, Hit policy…)
    }


def processes() -> dict[str, str]:
    return {
        **common(),
        "open": _("Open"),
        "redeploy": _("Redeploy as newest"),
        "redeployNote": _("Redeployed from"),
        "latest": _("newest"),
        "instances": _("Instances"),
        "heatmap": _("Heatmap"),
        "version": _("Version"),
        "deployedAt": _("Deployed at"),
        "deployedBy": _("Deployed by"),
        "note": _("Note"),
        "noDefinitions": _("No process definitions deployed yet."),
    }


def instances() -> dict[str, str]:
    return {
        **common(),
        "noInstances": _("No instances match these filters."),
        "previous": _("Previous"),
        "next": _("Next"),
        "page": _("Page"),
        "total": _("in total"),
    }


def instance() -> dict[str, str]:
    return {
        **common(),
        "status": _("Status"),
        "businessKey": _("Business key"),
        "startedAt": _("Started"),
        "updatedAt": _("Updated"),
        "completedAt": _("Completed"),
        "error": _("Error"),
        "noHistory": _("No history yet."),
        "suspend": _("Suspend"),
        "resume": _("Resume"),
        "terminate": _("Terminate"),
        "retry": _("Retry failed step"),
        "done": _("done"),
        "confirmTerminate": _("Terminate this instance? It cannot be resumed."),
        "migrationSafe": _("Migration is safe"),
        "migrationUnsafe": _("Migration refused: unsafe"),
        "reasons": _("Reasons"),
        "migrate": _("Migrate to"),
        "migrated": _("Migrated to the newest version."),
    }


def heatmap() -> dict[str, str]:
    return {
        **common(),
        "unknownDefinition": _("Unknown process definition."),
        "median": _("median"),
        "noData": _("No finished user tasks in this period."),
    }


def importing() -> dict[str, str]:
    return {
        **common(),
        "uploading": _("Uploading and checking…"),
        "viewerFailed": _("The viewer cannot draw this file"),
        "notDeployable": _("Not deployable; missing"),
        "rejected": _("Rejected"),
    }
