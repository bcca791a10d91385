"""Errors of templates.

engine.errors.InvalidInputError
 ├── TemplateBodyError       template_body_invalid   syntax, sandbox escape, runaway output
 └── TemplateFieldsError     template_fields_invalid details: {"fields.<name>": [message]}
engine.errors.NotFoundError
 └── TemplateNotFoundError   template_not_found
"""

from __future__ import annotations

from engine.errors import InvalidInputError, NotFoundError


class TemplateBodyError(InvalidInputError):
    code = "template_body_invalid"


class TemplateFieldsError(InvalidInputError):
    code = "template_fields_invalid"


class TemplateNotFoundError(NotFoundError):
    code = "template_not_found"
