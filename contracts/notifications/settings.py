"""What composing a mail or a text message needs from configuration, handed in by the caller.

The app factory builds one `MessageSettings` from its configuration (`webui.config`) and
passes it to the notification listener, the operators that send reminders and the use
cases that mail someone. Nothing here reads the environment or imports Flask: the
translator is a plain protocol the web layer fills from its Babel catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from contracts.core import dates
from contracts.notifications.links import Links

__all__ = ["LANGUAGES", "MessageSettings", "SourceText", "Translator"]

LANGUAGES = ("en", "zh")


class Translator(Protocol):
    """Tell a message id in a language (the id itself when there is no translation)."""

    def gettext(self, locale: str, msgid: str) -> str: ...


class SourceText:
    """The translator of an installation without catalogs: every message as written."""

    def gettext(self, locale: str, msgid: str) -> str:
        """Return the message id unchanged."""
        return msgid


@dataclass(frozen=True)
class MessageSettings:
    """Links, the installation's language and zone, and the translator for outgoing messages.

    `default_locale` None means nobody chose a language for the installation: a reader
    without a language of their own then gets the message as it always was (a task mail
    in English and Chinese, a reminder in English).
    """

    links: Links = field(default_factory=Links)
    default_locale: str | None = None
    default_time_zone: str = dates.DEFAULT_TIME_ZONE
    translator: Translator = field(default_factory=SourceText)

    def locale_for(self, chosen: str | None) -> str | None:
        """The language a reader gets: their own, else the installation's (None: unknown)."""
        if chosen in LANGUAGES:
            return chosen
        return self.default_locale if self.default_locale in LANGUAGES else None

    def zone_for(self, chosen: str | None) -> ZoneInfo:
        """The zone a reader reads times in: their own if known, else the installation's."""
        return dates.zone_of(chosen, self.default_time_zone)

    def gettext(self, locale: str, msgid: str) -> str:
        """The message id in the language, through the translator."""
        # An empty id would fetch the catalog's header (a task may have no name).
        if locale == "en" or not msgid:
            return msgid
        return self.translator.gettext(locale, msgid)
