"""The mail and SMS channels as the next delivery will see them (read at the edge)."""

from __future__ import annotations

from connectors.channels import MessageChannels
from webui.config import sms_settings, smtp_settings

__all__ = ["current"]


def current() -> MessageChannels:
    """Read the channels' settings as the next delivery will."""
    return MessageChannels(mail=smtp_settings(), sms=sms_settings())
