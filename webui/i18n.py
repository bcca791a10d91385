"""Languages and time zones: English and Simplified Chinese, each person's own zone."""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations
from flask import Flask, current_app, request
from flask_babel import Babel
from flask_login import current_user

from contracts.core import dates
from contracts.errors import ValidationError
from webui.config import REPO_ROOT

SUPPORTED_LOCALES = ("en", "zh")
TRANSLATIONS_DIR = REPO_ROOT / "webui" / "translations"
babel = Babel()


class CatalogTranslator:
    """The service layer's `Translator`: Babel's compiled catalogs, without a request."""

    def __init__(self, directory: Path = TRANSLATIONS_DIR) -> None:
        self._directory = directory
        self._catalogs: dict[str, Translations] = {}

    def gettext(self, locale: str, msgid: str) -> str:
        """The message id in the language (itself when the catalog has no translation)."""
        catalog = self._catalogs.get(locale)
        if catalog is None:
            loaded = Translations.load(str(self._directory), [locale])
            catalog = self._catalogs.setdefault(locale, loaded)  # type: ignore[arg-type]
        return str(catalog.gettext(msgid))


def select_locale() -> str:
    """Profile setting first, then the browser's Accept-Language, then English."""
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return str(current_user.locale)
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def select_time_zone() -> str:
    """The signed-in user's zone if they chose one (still known), else the installation's."""
    if current_user and current_user.is_authenticated and current_user.time_zone:
        if current_user.time_zone in dates.time_zone_names():
            return str(current_user.time_zone)
    return str(current_app.config["DEFAULT_TIME_ZONE"])


def install(app: Flask) -> None:
    zone = app.config.setdefault("DEFAULT_TIME_ZONE", dates.DEFAULT_TIME_ZONE)
    try:
        dates.parse_time_zone(zone)
    except ValidationError as exc:
        raise RuntimeError(f"CONTRACTFLOW_TIME_ZONE: {exc.details['time_zone'][0]}") from exc
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_time_zone)
