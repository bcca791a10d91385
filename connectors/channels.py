"""The mail and SMS channels as configured now: a server, or the built-in sink."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.email import SmtpSettings
from connectors.sms import SmsSettings

__all__ = ["MessageChannels"]


@dataclass(frozen=True)
class MessageChannels:
    """The SMTP and SMS gateway settings the delivery handlers use (see `webui.channels`)."""

    mail: SmtpSettings
    sms: SmsSettings

    @property
    def mail_in_sink(self) -> bool:
        """No SMTP host: mail stays on this machine, in the built-in sink."""
        return self.mail.host is None

    @property
    def sms_in_sink(self) -> bool:
        """No SMS gateway: text messages stay on this machine, in the built-in sink."""
        return not self.sms.gateway_url
