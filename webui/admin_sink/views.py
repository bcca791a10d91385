"""Read the mail and text messages the built-in sink kept, with a banner saying why."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from connectors import sink
from connectors.models import SinkChannel
from webui import channels
from webui.admin_sink import bp
from webui.config import base_url
from webui.extensions import db


@bp.before_request
@login_required
def _signed_in() -> None:
    """Signed-in users only; who may read the sink is the service's decision."""


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


def _list(channel: SinkChannel) -> str:
    page = sink.messages_page(db.session, current_user, channel, page=_page())
    return render_template(
        "admin/sink/list.html", page=page, channel=channel, channels=channels.current()
    )


def _detail(channel: SinkChannel, message_id: int) -> str:
    kept = sink.get_message(db.session, current_user, channel, message_id)
    return render_template(
        "admin/sink/detail.html",
        kept=kept,
        channel=channel,
        channels=channels.current(),
        # Read at each request, as before: links to this installation open here.
        html=sink.framed_html(kept, base_url()),
        link=sink.local_link(kept.link, base_url()),
    )


@bp.get("/mail")
def mail() -> str:
    return _list(SinkChannel.EMAIL)


@bp.get("/mail/<int:message_id>")
def mail_message(message_id: int) -> str:
    return _detail(SinkChannel.EMAIL, message_id)


@bp.get("/sms")
def sms() -> str:
    return _list(SinkChannel.SMS)


@bp.get("/sms/<int:message_id>")
def sms_message(message_id: int) -> str:
    return _detail(SinkChannel.SMS, message_id)
