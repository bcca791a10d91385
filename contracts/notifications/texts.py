"""Message texts in one reader's language: `N_` marks a source sentence, `Texts` tells it.

The source sentences are English; their Chinese lives in the web UI's Babel catalog
(webui/translations), which the app factory hands in as the settings' translator. A
reader whose language nobody chose (`locale` None) reads the sentence in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from contracts.core import dates
from contracts.notifications.settings import MessageSettings


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention, so extractors find it
    """Mark a sentence for translation without translating it."""
    return msgid


@dataclass(frozen=True)
class Texts:
    """Sentences, moments and days for one reader."""

    settings: MessageSettings
    locale: str | None

    @property
    def language(self) -> str:
        """The language sentences are told in ("en" when nobody chose one)."""
        return self.locale or "en"

    def __call__(self, msgid: str, **values: Any) -> str:
        """The sentence in the reader's language, with its values filled in."""
        text = self.settings.gettext(self.language, msgid)
        return text % values if values else text

    def moment(self, value: datetime, zone: ZoneInfo) -> str:
        """A timestamp as the reader reads it."""
        return dates.format_moment(value, self.language, zone)

    def day(self, value: date) -> str:
        """A calendar date as the reader reads it."""
        return dates.format_day(value, self.language)
