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


def test_the_department_manager_activates_an_approved_contract_from_its_page(app, api, approved):
    bob = signed_in(app, "bob")
    page = text(bob.get(f"/contracts/{approved['id']}"))
    assert "Mark signed and activate" in page
    assert f'action="/contracts/{approved["id"]}/activate"' in page

    response = bob.post(f"/contracts/{approved['id']}/activate")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contracts/{approved['id']}")
    assert api("alice").get(f"/api/v1/contracts/{approved['id']}").get_json()["status"] == "active"
    page = text(bob.get(f"/contracts/{approved['id']}"))
    assert "the contract is active and its expiry is watched" in page
    assert "Mark signed and activate" not in page  # active now: nothing left to activate


def test_no_activate_button_on_a_draft(app, api, approved):
    draft = api("alice").create_contract()
    assert "Mark signed and activate" not in text(
        signed_in(app, "bob").get(f"/contracts/{draft['id']}")
    )


def test_legal_may_mark_a_contract_signed(app, approved):
    assert "Mark signed and activate" in text(
        signed_in(app, "carol").get(f"/contracts/{approved['id']}")
    )


@pytest.mark.parametrize("username", ["alice", "grace", "dave"])
def test_the_drafter_and_other_roles_may_not_mark_it_signed(app, api, approved, username):
    """The drafter (alice), another department's manager and finance: no button, 403."""
    page = signed_in(app, username).get(f"/contracts/{approved['id']}")
    assert "Mark signed and activate" not in text(page)
    response = api(username).post(f"/api/v1/contracts/{approved['id']}/activate")
    assert response.status_code in (403, 404)
    if username == "alice":
        assert response.status_code == 403
        assert "may mark contract" in response.get_json()["error"]["message"]
    assert api("bob").get(f"/api/v1/contracts/{approved['id']}").get_json()["status"] == "approved"


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
