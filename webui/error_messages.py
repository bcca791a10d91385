"""Error messages in the reader's language, translated at the edge.

Domain errors are raised in English by `contracts/` and `engine/` (which know nothing
of the request). Here a message is looked up three ways, first hit wins:

1. the exact sentence, for messages without parameters (listed below for extraction);
2. a pattern for the common messages with parameters, re-filled in a translated template;
3. a sentence for the error's code (or HTTP status), so a reader never meets English
   in a language we translate to; the code itself stays stable for programs.

English readers get the original message unchanged. A new English message raised in
`contracts/` or `engine/` reads in Chinese once it is listed here (EXACT or PATTERNS)
with a msgstr; until then a Chinese reader gets its code's sentence.
"""

from __future__ import annotations

import re

from flask_babel import get_locale, gettext

from webui.labels import N_

EXACT = (
    N_("only process admins may manage processes"),
    N_("only editors, department managers and admins import contracts"),
    N_("only admins and process admins manage templates"),
    N_("only admins and process admins manage contract types"),
    N_("only admins and integrators see the integration queues"),
    N_("only administrators and process admins see the overview"),
    N_("only admins may read the mail and SMS kept on this machine"),
    N_("someone else saved this first; reload and apply your change again"),
    N_("something went wrong on our side; it has been logged"),
    N_("the archive is not a valid zip file"),
    N_("the form has errors"),
    N_("the contract's term is not valid"),
    N_("names a file but no zip was uploaded"),
)

# A parameter's shape in the English sentences of contracts/ and engine/.
_GROUPS = {"id": r"[\w.:-]+", "number": r"[\w-]+", "status": r"\w+", "version": r"\d+"}


def _mirror(template: str) -> tuple[re.Pattern[str], str]:
    """The pattern that recognises the English sentence a template was written from."""
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>{_GROUPS[part]})"
        for index, part in enumerate(parts)
    )
    return re.compile(regex), template


# Sentences with parameters whose English text is the template itself.
MIRRORED = (
    N_("contract %(id)s does not exist"),
    N_("task %(id)s does not exist"),
    N_("task %(id)s is not yours"),
    N_("you are not a candidate for task %(id)s"),
    N_("document %(id)s does not exist"),
    N_("document %(id)s has no version %(version)s"),
    N_("import batch %(id)s does not exist"),
    N_("import batch %(id)s is not yours"),
    N_("process instance %(id)s does not exist"),
    N_("no process definition '%(id)s' is deployed"),
    N_("template '%(id)s' does not exist"),
    N_("contract type '%(id)s' does not exist"),
    N_("contract %(number)s was not drafted from a template"),
    N_("you may not change contract %(number)s"),
    N_("you may not edit the body of %(number)s"),
    N_("you may not change the documents of %(number)s"),
    N_("contract %(number)s is %(status)s; only draft or rejected contracts can be edited"),
    N_("contract %(number)s is %(status)s; only a draft can be submitted"),
    N_("contract %(number)s is %(status)s; only an approved contract can be marked signed"),
    N_("contract %(number)s is %(status)s; its body can no longer change"),
)

PATTERNS: list[tuple[re.Pattern[str], str]] = [
    *(_mirror(template) for template in MIRRORED),
    (re.compile(r"'(?P<id>[^']+)' is not in the zip"), N_("'%(id)s' is not in the zip")),
    (
        re.compile(r"task (?P<id>[\w.:-]+) is \w+, (?:no longer|not) ready"),
        N_("task %(id)s is no longer waiting for an answer"),
    ),
]

# The last resort: one sentence per code (domain errors) or HTTP error name.
BY_CODE = {
    "not_found": N_("What you asked for does not exist, or is not visible to you."),
    "contract_not_found": N_("This contract does not exist, or is not visible to you."),
    "forbidden": N_("You are not allowed to open this page or do this."),
    "permission_denied": N_("You are not allowed to do this."),
    "contract_state": N_("The contract's status does not allow this now."),
    "conflict": N_("This cannot be done in the current state; reload and try again."),
    "concurrent_update": N_("someone else saved this first; reload and apply your change again"),
    "task_not_ready": N_("This task is no longer waiting for an answer."),
    "validation_failed": N_("Some of the input is not valid."),
    "invalid_input": N_("Some of the input is not valid."),
    "authentication_failed": N_("Sign in first."),
    "too_many_attempts": N_("Too many attempts; wait a moment and try again."),
    "csrf_failed": N_("The form expired; reload the page and send it again."),
    "bad_request": N_("The request could not be understood."),
    "unauthorized": N_("Sign in first."),
    "method_not_allowed": N_("This address does not accept this kind of request."),
    "request_entity_too_large": N_("The upload is too large."),
    "unsupported_media_type": N_("This kind of file or content is not accepted here."),
    "internal_error": N_("something went wrong on our side; it has been logged"),
    "internal_server_error": N_("something went wrong on our side; it has been logged"),
    "workflow_error": N_("something went wrong on our side; it has been logged"),
}


def translate_error(code: str, message: str) -> str:
    """Return the message in the request's language; the English original for English."""
    if str(get_locale() or "en") == "en" or not message.isascii():
        return message  # English, or already translated by the view
    exact = gettext(message) if message in EXACT else message
    if exact != message:
        return exact
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if "status" in values:
                from webui.contracts.template_helpers import status_label

                values["status"] = status_label(values["status"])
            return gettext(template, **values)
    fallback = BY_CODE.get(code)
    return gettext(fallback) if fallback else message
