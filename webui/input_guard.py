"""One input layer in front of every route: body size and JSON depth before parsing,
no NUL or lone surrogate in any JSON string, form field or query parameter, no
NaN or infinite number in JSON.

Routes and services then see only text that can be stored, logged and encoded; a
hostile request gets a 413 or a 422 naming the offending field, never a 500.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from contracts.core.text_input import (
    MAX_JSON_DEPTH,
    display_name,
    has_forbidden_characters,
    json_depth_exceeds,
)
from contracts.errors import ValidationError

DEFAULT_MAX_JSON_BYTES = 1024 * 1024


def install(app: Flask) -> None:
    """Check every request's input before any view reads it."""
    app.config.setdefault("MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)
    app.config.setdefault("MAX_JSON_DEPTH", MAX_JSON_DEPTH)
    app.before_request(check_request_input)


def check_request_input() -> None:
    """Refuse oversized or over-deep JSON and forbidden characters anywhere in the input."""
    errors: dict[str, list[str]] = {}
    _check_fields(request.args, errors)
    if request.is_json and not _takes_a_file_body():
        _check_json(errors)
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        _check_fields(request.form, errors)
    if errors:
        raise ValidationError(errors, _("The request contains characters that are not allowed."))


def _takes_a_file_body() -> bool:
    # Upload routes lift the body limit before this hook (webui.documents): their raw
    # body is a file to store, not input to interpret.
    default = current_app.config.get("MAX_CONTENT_LENGTH")
    return default is not None and (request.max_content_length or 0) > default


def _check_json(errors: dict[str, list[str]]) -> None:
    limit = int(current_app.config["MAX_JSON_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    request.max_content_length = min(limit, request.max_content_length or limit)
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    if len(data) > limit:
        raise _too_large(limit)
    depth = int(current_app.config["MAX_JSON_DEPTH"])
    if json_depth_exceeds(data, depth):
        errors["body"] = [_("is nested deeper than %(limit)s levels", limit=depth)]
        return
    parsed = request.get_json(silent=True)  # cached for the view; malformed -> its 400
    _check_value(parsed, "", errors)


def _too_large(limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(_("a JSON body may be at most %(limit)s bytes", limit=limit))


def _check_value(value: Any, path: str, errors: dict[str, list[str]]) -> None:
    # Depth is already capped, so recursion here is bounded.
    if isinstance(value, str):
        if has_forbidden_characters(value):
            errors.setdefault(path or "body", []).append(_forbidden())
    elif isinstance(value, float) and not math.isfinite(value):
        # Python's parser takes NaN/Infinity (and 1e999); no database JSON column does.
        errors.setdefault(path or "body", []).append(_("must be a finite number"))
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{display_name(key)}" if path else display_name(key)
            if has_forbidden_characters(key):
                errors.setdefault(name, []).append(_forbidden())
            _check_value(item, name, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, f"{path}.{index}" if path else str(index), errors)


def _check_fields(fields: MultiDict[str, str], errors: dict[str, list[str]]) -> None:
    for key, value in fields.items(multi=True):
        if has_forbidden_characters(key) or has_forbidden_characters(value):
            errors.setdefault(display_name(key), []).append(_forbidden())


def _forbidden() -> str:
    return _("must not contain NUL characters or unpaired surrogates")
