"""Task forms from JSON Schema: render accessible HTML, and read a submission back as JSON.

`render_form(schema, ui_schema, values, errors)` draws the fields; `parse_form(schema,
form)` turns the posted fields into typed JSON for `contracts.forms.FormLibrary.validate`,
which checks it against the same schema. Field names are dotted paths (`address.city`),
the same paths the validator reports errors under, so each error lands next to its field.
"""

from __future__ import annotations

from webui.forms_render.parse import UnknownFieldError, parse_form
from webui.forms_render.render import render_form

__all__ = ["UnknownFieldError", "parse_form", "render_form"]
