"""Draw a form's fields as accessible HTML: labels, help and errors wired by id, fieldsets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from webui.forms_render.fields import Field, fields, options

Translate = Callable[[str], str]


def render_form(
    schema: dict[str, Any],
    ui_schema: dict[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    translate: Translate = str,
    required_label: str = "required",
    choose_label: str = "Choose…",
) -> Markup:
    """The form's fields (without the <form> element and the submit button)."""
    painter = _Painter(values or {}, errors or {}, translate, required_label, choose_label)
    return painter.object(schema, ui_schema or {}, "")


def _path_value(values: Mapping[str, Any], name: str) -> Any:
    node: Any = values
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


class _Painter:
    def __init__(
        self,
        values: Mapping[str, Any],
        errors: Mapping[str, list[str]],
        translate: Translate,
        required_label: str,
        choose_label: str,
    ) -> None:
        self.values, self.errors, self.t = values, errors, translate
        self.required_label, self.choose_label = required_label, choose_label

    # -- values and errors -------------------------------------------------------------
    def raw(self, field: Field) -> Any:
        if isinstance(self.values, MultiDict):
            if field.kind == "lines":
                return "\n".join(self.values.getlist(field.name))
            return self.values.get(field.name)
        value = _path_value(self.values, field.name)
        if value is None:
            value = field.schema.get("default")
        if field.kind == "lines" and isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def text(self, field: Field) -> str:
        value = self.raw(field)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    def field_errors(self, field: Field) -> list[str]:
        mine = list(self.errors.get(field.name, []))
        prefix = field.name + "."
        for name, messages in self.errors.items():
            if name.startswith(prefix):  # an item of an array: "tags.2"
                mine += [f"{name[len(prefix) :]}: {m}" for m in messages]
        return mine

    # -- pieces ------------------------------------------------------------------------
    def label_text(self, field: Field) -> str:
        title = field.schema.get("title") or field.name.rpartition(".")[2].replace("_", " ")
        return self.t(str(title)[:1].upper() + str(title)[1:])

    def marker(self, field: Field) -> Markup:
        if not field.required:
            return Markup("")
        return Markup(
            ' <span class="required" aria-hidden="true">*</span>'
            '<span class="visually-hidden"> ({})</span>'
        ).format(self.required_label)

    def described(self, field: Field, messages: list[str]) -> tuple[Markup, Markup]:
        """The help and error elements, and the attributes that point at them."""
        ids, parts = [], []
        help_text = field.ui.get("ui:help") or field.schema.get("description")
        if help_text:
            ids.append(f"{field.html_id}-help")
            parts.append(
                Markup('<p class="help" id="{}">{}</p>').format(ids[-1], self.t(str(help_text)))
            )
        if messages:
            ids.append(f"{field.html_id}-errors")
            items = Markup("").join(Markup("<li>{}</li>").format(m) for m in messages)
            parts.append(Markup('<ul class="field-errors" id="{}">{}</ul>').format(ids[-1], items))
        attrs = Markup("")
        if ids:
            attrs += Markup(' aria-describedby="{}"').format(" ".join(ids))
        if messages:
            attrs += Markup(' aria-invalid="true"')
        return attrs, Markup("").join(parts)

    def constraints(self, field: Field) -> Markup:
        schema = field.schema
        attrs: list[tuple[str, Any]] = []
        if field.required and field.kind not in ("checkbox", "lines"):
            attrs.append(("required", None))
        for key, attr in (("minLength", "minlength"), ("maxLength", "maxlength")):
            if key in schema and field.kind in ("text", "textarea"):
                attrs.append((attr, schema[key]))
        if "pattern" in schema and field.kind == "text":
            attrs.append(("pattern", schema["pattern"]))
        if field.kind == "number":
            for key, attr in (("minimum", "min"), ("maximum", "max")):
                if key in schema:
                    attrs.append((attr, schema[key]))
            attrs.append(("step", "1" if schema.get("type") == "integer" else "any"))
        out = Markup("")
        for name, value in attrs:
            out += (
                Markup(" {}").format(name)
                if value is None
                else Markup(' {}="{}"').format(name, value)
            )
        return out

    # -- widgets -----------------------------------------------------------------------
    def object(self, schema: dict[str, Any], ui_schema: dict[str, Any], prefix: str) -> Markup:
        return Markup("\n").join(self.field(f) for f in fields(schema, ui_schema, prefix))

    def field(self, field: Field) -> Markup:
        if field.ui.get("ui:widget") == "hidden":
            return Markup('<input type="hidden" name="{}" value="{}">').format(
                field.name, self.text(field)
            )
        messages = self.field_errors(field)
        if field.kind == "object":
            return self.fieldset(field, messages)
        if field.kind == "radio":
            return self.radios(field, messages)
        attrs, after = self.described(field, messages)
        label = Markup('<label for="{}">{}{}</label>').format(
            field.html_id, self.label_text(field), self.marker(field)
        )
        control = self.control(field, attrs)
        if field.kind == "checkbox":
            return Markup(
                '<div class="field field-check">'
                '<label class="check" for="{}">{} {}{}</label>{}</div>'
            ).format(field.html_id, control, self.label_text(field), self.marker(field), after)
        css = "field field-invalid" if messages else "field"
        return Markup('<div class="{}">{}{}{}</div>').format(css, label, control, after)

    def control(self, field: Field, attrs: Markup) -> Markup:
        common = Markup('id="{}" name="{}"').format(field.html_id, field.name) + attrs
        value, extra = self.text(field), self.constraints(field)
        if field.kind == "select":
            chosen = Markup("").join(
                Markup('<option value="{}"{}>{}</option>').format(
                    v, Markup(" selected") if v == value else "", self.t(label)
                )
                for v, label in options(field.schema)
            )
            empty = Markup('<option value="">{}</option>').format(self.choose_label)
            return Markup("<select {}{}>{}{}</select>").format(common, extra, empty, chosen)
        if field.kind in ("textarea", "lines"):
            rows = 4 if field.kind == "textarea" else 3
            return Markup('<textarea {} rows="{}"{}>{}</textarea>').format(
                common, rows, extra, value
            )
        if field.kind == "checkbox":
            checked = Markup(" checked") if value == "true" or value == "on" else ""
            return Markup('<input type="checkbox" {} value="true"{}>').format(common, checked)
        kind = {"number": "number", "date": "date"}.get(field.kind, "text")
        mode = Markup(' inputmode="decimal"') if kind == "number" else ""
        return Markup('<input type="{}" {} value="{}"{}{}>').format(
            kind, common, value, extra, mode
        )

    def radios(self, field: Field, messages: list[str]) -> Markup:
        attrs, after = self.described(field, messages)
        value = self.text(field)
        required = Markup(" required") if field.required else ""
        choices = Markup("").join(
            Markup(
                '<label class="choice choice-{}"><input type="radio" name="{}" id="{}-{}" '
                'value="{}"{}{}> {}</label>'
            ).format(
                v,
                field.name,
                field.html_id,
                i,
                v,
                Markup(" checked") if v == value else "",
                required,
                self.t(label),
            )
            for i, (v, label) in enumerate(options(field.schema))
        )
        css = "field field-invalid" if messages else "field"
        return Markup(
            '<fieldset class="{}" id="{}"{}><legend>{}{}</legend>'
            '<div class="choices">{}</div>{}</fieldset>'
        ).format(
            css, field.html_id, attrs, self.label_text(field), self.marker(field), choices, after
        )

    def fieldset(self, field: Field, messages: list[str]) -> Markup:
        attrs, after = self.described(field, messages)
        inner = self.object(field.schema, field.ui, field.name + ".")
        return Markup(
            '<fieldset class="field field-group" id="{}"{}><legend>{}{}</legend>{}{}</fieldset>'
        ).format(field.html_id, attrs, self.label_text(field), self.marker(field), after, inner)
