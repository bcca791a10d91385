"""Languages: English and Simplified Chinese, from the user's profile or the browser."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from flask_login import current_user

from webui.config import REPO_ROOT

SUPPORTED_LOCALES = ("en", "zh")
babel = Babel()


def select_locale() -> str:
    """Profile setting first, then the browser's Accept-Language, then English."""
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return str(current_user.locale)
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    translations = REPO_ROOT / "webui" / "translations"
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(translations))
    babel.init_app(app, locale_selector=select_locale)
