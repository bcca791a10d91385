"""The detail page's "Mark signed and activate" button, and the worker/beat commands."""

from __future__ import annotations

from unittest import mock

import pytest
from celery import Celery

from tests.webui.test_pages import Browser, text


@pytest.fixture
def approved(api) -> dict:
    contract = api("alice").create_contract(amount="500.00", expiry_date="2099-12-31")
    api("alice").submit(contract["id"])
    api("bob").approve(contract["id"])
    return contract


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def test_an_editor_activates_an_approved_contract_from_its_page(app, api, approved):
    alice = signed_in(app, "alice")
    page = text(alice.get(f"/contracts/{approved['id']}"))
    assert "Mark signed and activate" in page
    assert f'action="/contracts/{approved["id"]}/activate"' in page

    response = alice.post(f"/contracts/{approved['id']}/activate")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contracts/{approved['id']}")
    assert api("alice").get(f"/api/v1/contracts/{approved['id']}").get_json()["status"] == "active"
    page = text(alice.get(f"/contracts/{approved['id']}"))
    assert "the contract is active and its expiry is watched" in page
    assert "Mark signed and activate" not in page  # active now: nothing left to activate


def test_no_activate_button_on_a_draft_or_for_someone_who_may_not_edit(app, api, approved):
    draft = api("alice").create_contract()
    assert "Mark signed and activate" not in text(
        signed_in(app, "alice").get(f"/contracts/{draft['id']}")
    )
    # Legal may read every contract but edits none.
    carol = signed_in(app, "carol")
    page = carol.get(f"/contracts/{approved['id']}")
    assert page.status_code == 200
    assert "Mark signed and activate" not in text(page)


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("worker", ["--concurrency=4", "-Q", "contracts", "--loglevel=INFO"]),
        ("beat", ["--loglevel=DEBUG", "--schedule=/tmp/beat-schedule"]),
        ("worker", ["--help"]),
    ],
)
def test_worker_and_beat_commands_run_celery_with_the_given_arguments(app, command, args):
    with mock.patch.object(Celery, "start", autospec=True) as start:
        result = app.test_cli_runner().invoke(args=[command, *args])
    assert result.exit_code == 0, result.output
    (celery,), kwargs = start.call_args
    assert celery is app.extensions["celery"]
    assert kwargs == {"argv": [command, *args]}


def test_the_celery_queue_comes_from_the_environment(monkeypatch):
    from webui.config import load_config

    assert load_config({"SECRET_KEY": "x"})["CELERY"]["task_default_queue"] == "celery"
    monkeypatch.setenv("CONTRACTFLOW_CELERY_QUEUE", "contracts-eu")
    assert load_config({"SECRET_KEY": "x"})["CELERY"]["task_default_queue"] == "contracts-eu"
