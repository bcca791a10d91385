"""Every link in mails, text messages and the bell is the address Flask routes to that page."""

from __future__ import annotations

import pytest
from flask import url_for

from contracts.notifications.links import Links, contract_path, task_path


@pytest.mark.parametrize("number", [1, 7, 123456])
def test_each_path_is_the_routed_page(app, number):
    with app.test_request_context():
        assert contract_path(number) == url_for("contracts.detail", contract_id=number)
        assert task_path(number) == url_for("inbox.task", task_id=number)


@pytest.mark.parametrize("base", ["https://cf.example.com", "https://cf.example.com/"])
def test_absolute_links_are_the_base_url_and_the_routed_page(app, base):
    links = Links(base)
    with app.test_request_context(base_url="https://cf.example.com"):
        assert links.contract(42) == url_for("contracts.detail", contract_id=42, _external=True)
        assert links.task(42) == url_for("inbox.task", task_id=42, _external=True)


def test_the_app_builds_its_links_from_the_configured_base_url(app):
    from webui.settings import message_settings

    with app.app_context():
        links = message_settings().links
    assert links.task(3) == f"{app.config['BASE_URL'].rstrip('/')}/inbox/tasks/3"
