"""The HTML pages, driven through the real forms the way a browser posts them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import make_app
from tests.factories import DEMO_PASSWORD

APPROVERS = ("bob", "carol", "dave", "erin")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that signs in through /login and posts forms with their CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(path, **kwargs)
        found = TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        if self.token is None:
            self.get("/login")
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kwargs)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> TestResponse:
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})

    def logout(self) -> TestResponse:
        return self.post("/logout")

    # -- journeys through the pages -------------------------------------------

    def create_contract(self, **overrides: str) -> int:
        response = self.post("/contracts/new", contract_form(**overrides))
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.location.rsplit("/", 1)[1])

    def submit(self, contract_id: int) -> TestResponse:
        self.get(f"/contracts/{contract_id}")
        return self.post(f"/contracts/{contract_id}/submit")

    def task_id_for(self, number: str) -> int | None:
        """Find the contract's task on the inbox page."""
        html = self.get("/inbox/").get_data(as_text=True)
        cards = [card for card in html.split('<li class="task-card')[1:] if number in card]
        assert len(cards) <= 1, cards
        if not cards:
            return None
        return int(re.search(r'href="/inbox/tasks/(\d+)"', cards[0]).group(1))

    def complete(self, task_id: int, **data: str) -> TestResponse:
        self.get(f"/inbox/tasks/{task_id}")
        return self.post(f"/inbox/tasks/{task_id}", data)


def contract_form(**overrides: str) -> dict[str, str]:
    form = {
        "title": "Annual CRM licence",
        "contract_type": "sales",
        "amount": "50000.00",
        "currency": "CNY",
        "department": "sales",
        "counterparty": "ACME Trading Co.",
        "effective_date": "2027-01-01",
        "expiry_date": "2027-12-31",
        "notice_days": "30",
        "tags": "crm, annual",
        "description": "",
    }
    form.update(overrides)
    return form


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def errors_of(html: str, field: str) -> str:
    """The error list rendered right after a field (empty when there is none)."""
    found = re.search(
        rf'<ul class="field-errors" id="(?:field-)?{field}-errors">(.*?)</ul>', html, re.S
    )
    return found.group(1) if found else ""


def number_of(browser: Browser, contract_id: int) -> str:
    html = text(browser.get(f"/contracts/{contract_id}"))
    return re.search(r"HT-\d{4}-\d+", html).group(0)


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def browser_as(app):
    """`browser_as("bob")` returns a browser signed in as bob (one per user)."""
    browsers: dict[str, Browser] = {}

    def signed_in(username: str) -> Browser:
        if username not in browsers:
            browsers[username] = Browser(app.test_client())
            assert browsers[username].login(username).status_code == 302
        return browsers[username]

    return signed_in


# --- sign in -------------------------------------------------------------------


def test_login_page_signs_in_and_shows_the_navigation(browser):
    assert browser.get("/inbox/").status_code == 302
    response = browser.login("alice")
    assert response.status_code == 302
    assert response.location == "/home"  # a drafter lands on her home page
    html = text(browser.get("/inbox/"))
    assert "Alice Chen" in html
    assert 'action="/logout"' in html and "Sign out" in html
    assert '<script src="/static/vendor/htmx.min.js" defer>' in html
    assert 'href="/contracts/new"' in html


def test_wrong_password_shows_the_error(browser):
    response = browser.login("alice", "wrong")
    assert response.status_code == 401
    html = text(response)
    assert 'class="flash flash-error"' in html
    assert 'value="alice"' in html


def test_root_redirects_to_each_persons_landing_page(browser, browser_as):
    assert browser_as("alice").get("/").location == "/home"
    assert browser_as("bob").get("/").location == "/home"
    assert browser_as("admin").get("/").location == "/admin"
    assert browser.get("/").location == "/login"


def test_an_admin_lands_on_the_installation_overview(browser):
    assert browser.login("admin").location == "/admin"


def test_sign_out(browser_as):
    alice = browser_as("alice")
    assert alice.logout().location == "/login"
    assert alice.get("/inbox/").status_code == 302


def test_demo_banner_names_the_password(template_db, tmp_path):
    path = tmp_path / "demo.db"
    path.write_bytes(Path(template_db).read_bytes())
    app = make_app(path, tmp_path, DEMO_MODE=True)
    html = text(app.test_client().get("/login"))
    assert "demo-banner" in html and "demo1234" in html


def test_demo_banner_lists_every_demo_user_in_the_readers_language(template_db, tmp_path):
    from contracts.demo.seed import USERS

    path = tmp_path / "demo.db"
    path.write_bytes(Path(template_db).read_bytes())
    app = make_app(path, tmp_path, DEMO_MODE=True)
    html = text(app.test_client().get("/login", headers={"Accept-Language": "zh-CN"}))
    banner = html[html.index('class="demo-banner"') : html.index("</details>")]
    for username in USERS:
        assert f"<strong>{username}</strong>" in banner
    assert "部门经理 · sales" in banner and "法务 · legal" in banner


# --- contracts -----------------------------------------------------------------


def test_create_contract_through_the_form(browser_as):
    alice = browser_as("alice")
    form = text(alice.get("/contracts/new"))
    assert '<option value="nda"' in form and '<option value="USD"' in form
    assert 'name="effective_date" type="date"' in form

    contract_id = alice.create_contract(title="Fleet service", amount="1234.50", auto_renew="on")
    html = text(alice.get(f"/contracts/{contract_id}"))
    assert "Contract HT-" in html and "created as a draft" in html
    assert "Fleet service" in html and "1,234.50 CNY" in html
    assert 'class="badge badge-draft"' in html
    assert ">crm<" in html and ">annual<" in html
    assert "Submit for approval" in html and f'/contracts/{contract_id}/edit"' in html


def test_the_form_shows_field_errors_and_keeps_the_values(browser_as):
    alice = browser_as("alice")
    bad = contract_form(
        title="Keep <me>",
        amount="-5",
        department="nowhere",
        effective_date="2027-06-01",
        expiry_date="2027-01-01",
    )
    response = alice.post("/contracts/new", bad)
    assert response.status_code == 422
    html = text(response)
    assert "must not be negative" in errors_of(html, "amount")
    assert "unknown department" in errors_of(html, "department")
    assert "must not be before effective_date" in errors_of(html, "expiry_date")
    assert errors_of(html, "title") == ""
    assert 'value="Keep &lt;me&gt;"' in html
    assert 'value="-5"' in html and 'value="2027-06-01"' in html
    assert '<option value="nowhere" selected>' in html
    assert "0 contracts" in text(alice.get("/contracts/?q=Keep"))


def test_edit_a_draft_through_the_form(browser_as):
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    form = text(alice.get(f"/contracts/{contract_id}/edit"))
    assert 'value="Annual CRM licence"' in form and 'value="annual, crm"' in form
    response = alice.post(f"/contracts/{contract_id}/edit", contract_form(title="Renamed", tags=""))
    assert response.status_code == 302
    html = text(alice.get(f"/contracts/{contract_id}"))
    assert "Renamed" in html and "Changes saved" in html

    bad = alice.post(f"/contracts/{contract_id}/edit", contract_form(amount="lots"))
    assert bad.status_code == 422
    assert "decimal number" in errors_of(text(bad), "amount")


def test_submitting_twice_flashes_the_conflict(browser_as):
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    assert alice.submit(contract_id).status_code == 302
    again = alice.post(f"/contracts/{contract_id}/submit")
    assert again.status_code == 302
    html = text(alice.get(again.location))
    assert "only a draft can be submitted" in html
    assert "Submit for approval" not in html and f"/contracts/{contract_id}/edit" not in html
    edit = alice.get(f"/contracts/{contract_id}/edit")
    assert edit.status_code == 302 and "cannot edit" in text(alice.get(edit.location))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_someone_who_may_not_edit_is_told_it_is_permission_not_status(browser_as, language):
    """Finance may read alice's draft; the edit page must not say "it is Draft"."""
    contract_id = browser_as("alice").create_contract()
    dave = browser_as("dave")
    edit = dave.get(f"/contracts/{contract_id}/edit", headers={"Accept-Language": language})
    assert edit.status_code == 302
    html = text(dave.get(edit.location, headers={"Accept-Language": language}))
    expected = "may edit contract" if language == "en" else "可以编辑它"
    assert expected in html
    assert "cannot edit it now" not in html and "现在不能编辑" not in html


def test_contract_list_filters_and_pages(browser_as):
    alice = browser_as("alice")
    for n in range(3):
        alice.create_contract(title=f"Listed {n}", tags="listed")
    alice.create_contract(title="Other one", contract_type="service")
    html = text(alice.get("/contracts/?tag=listed&per_page=2"))
    assert "3 contracts" in html and "Page 1 of 2" in html
    assert 'href="/contracts/?tag=listed&amp;per_page=2&amp;page=2"' in html
    assert "Listed 2" in html and "Other one" not in html
    page2 = text(alice.get("/contracts/?tag=listed&per_page=2&page=2"))
    assert "Listed 0" in page2
    service = text(alice.get("/contracts/?contract_type=service&q=Other"))
    assert "1 contract<" in service and "Other one" in service
    assert 'data-label="Counterparty"' in service


def test_a_user_cannot_open_another_departments_contract(browser_as):
    contract_id = browser_as("alice").create_contract()
    frank = browser_as("frank")
    assert frank.get(f"/contracts/{contract_id}").status_code == 404
    assert frank.get(f"/contracts/{contract_id}/edit").status_code == 404
    assert frank.post(f"/contracts/{contract_id}/submit").status_code == 404
    assert "Annual CRM licence" not in text(frank.get("/contracts/"))


def test_drafting_for_another_department_is_refused(browser_as):
    response = browser_as("alice").post("/contracts/new", contract_form(department="rd"))
    assert response.status_code == 403
    assert "own department" in text(response)


# --- the approval journey -------------------------------------------------------


def test_full_2m_approval_through_the_pages(browser_as):
    alice = browser_as("alice")
    contract_id = alice.create_contract(title="Big deal", amount="2000000.00")
    number = number_of(alice, contract_id)
    assert alice.submit(contract_id).status_code == 302
    assert "In review" in text(alice.get(f"/contracts/{contract_id}"))

    for approver in APPROVERS:
        for other in set(APPROVERS) - {approver}:
            assert browser_as(other).task_id_for(number) is None, (approver, other)
        page = browser_as(approver)
        task_id = page.task_id_for(number)
        assert task_id is not None, approver
        inbox = text(page.get("/inbox/?scope=groups"))
        assert number in inbox and "2,000,000.00 CNY" in inbox and ">Claim<" in inbox

        claimed = page.post(f"/inbox/tasks/{task_id}/claim")
        assert claimed.location == f"/inbox/tasks/{task_id}"
        task_page = text(page.get(claimed.location))
        assert f"Assignee: {approver}" in task_page and "Unclaim" in task_page
        assert re.search(r'type="radio" name="decision" id="[\w-]+" value="approve"', task_page)
        assert number in text(page.get("/inbox/?scope=mine"))

        done = page.complete(task_id, decision="approve", comment=f"{approver} agrees")
        assert done.status_code == 302 and done.location == "/inbox/"
        assert "Done:" in text(page.get("/inbox/"))
        assert page.task_id_for(number) is None

    detail = text(alice.get(f"/contracts/{contract_id}"))
    assert 'class="badge badge-approved"' in detail
    comments = re.findall(r'<blockquote class="comment">(.*?)</blockquote>', detail)
    assert comments == [f"{a} agrees" for a in APPROVERS]


def test_detail_shows_the_timeline_after_an_approval(browser_as):
    alice, bob = browser_as("alice"), browser_as("bob")
    contract_id = alice.create_contract(amount="8000.00")
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    bob.complete(bob.task_id_for(number), decision="approve", comment="Fine by me")

    html = text(alice.get(f"/contracts/{contract_id}"))
    timeline = html.split('id="timeline-heading"')[1]
    assert timeline.index("Submitted") < timeline.index("Approved")
    assert "alice" in timeline and "bob" in timeline
    assert "Fine by me" in timeline
    # The step is labelled once ("Approved"), not "Approved · Approve".
    assert "badge-decision-approve" not in timeline
    assert "Status: Approved" in timeline


def test_reject_with_an_empty_comment_shows_the_error_and_records_nothing(browser_as):
    alice, bob = browser_as("alice"), browser_as("bob")
    contract_id = alice.create_contract()
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    task_id = bob.task_id_for(number)

    response = bob.complete(task_id, decision="reject", comment="   ")
    assert response.status_code == 422
    html = text(response)
    assert "is required" in errors_of(html, "comment")
    assert 'value="reject" checked' in html
    assert bob.task_id_for(number) == task_id
    detail = text(alice.get(f"/contracts/{contract_id}"))
    assert "event-rejected" not in detail and "badge-in_review" in detail


def test_rejection_sends_a_revision_task_to_the_drafter(browser_as):
    alice, bob = browser_as("alice"), browser_as("bob")
    contract_id = alice.create_contract()
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    bob.complete(bob.task_id_for(number), decision="reject", comment="Wrong counterparty")

    revision_id = alice.task_id_for(number)
    page = text(alice.get(f"/inbox/tasks/{revision_id}"))
    assert "Resubmit for approval" in page and "Withdraw to draft" in page
    detail = text(alice.get(f"/contracts/{contract_id}"))
    assert "badge-rejected" in detail and f"/contracts/{contract_id}/edit" in detail
    assert (
        alice.post(
            f"/contracts/{contract_id}/edit", contract_form(counterparty="Beta Ltd")
        ).status_code
        == 302
    )
    assert alice.complete(revision_id, action="resubmit").status_code == 302
    assert "badge-in_review" in text(alice.get(f"/contracts/{contract_id}"))


def test_html_in_a_comment_is_escaped(browser_as):
    alice, bob = browser_as("alice"), browser_as("bob")
    contract_id = alice.create_contract(title="<i>Italic</i> deal")
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    evil = '<script>alert("x")</script><b>bold</b>'
    bob.complete(bob.task_id_for(number), decision="approve", comment=evil)

    html = text(alice.get(f"/contracts/{contract_id}"))
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;i&gt;Italic&lt;/i&gt; deal" in html and "<i>Italic</i>" not in html


def test_someone_elses_task_is_forbidden(browser_as):
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    task_id = browser_as("bob").task_id_for(number)
    frank = browser_as("frank")
    assert frank.get(f"/inbox/tasks/{task_id}").status_code == 403
    assert frank.post(f"/inbox/tasks/{task_id}", {"decision": "approve"}).status_code == 403
    assert frank.post(f"/inbox/tasks/{task_id}/claim").status_code == 403
    assert browser_as("bob").task_id_for(number) == task_id


def test_a_finished_task_shows_no_form(browser_as):
    alice, bob = browser_as("alice"), browser_as("bob")
    contract_id = alice.create_contract()
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    task_id = bob.task_id_for(number)
    bob.complete(task_id, decision="approve")

    html = text(bob.get(f"/inbox/tasks/{task_id}"))
    assert "no longer ready" in html and "completed by bob" in html
    assert 'name="decision"' not in html
    again = bob.post(f"/inbox/tasks/{task_id}", {"decision": "approve"})
    assert again.status_code == 302
    assert "no longer ready" in text(bob.get(again.location))


def test_claim_and_unclaim_from_the_task_page(browser_as):
    alice = browser_as("alice")
    contract_id = alice.create_contract()
    number = number_of(alice, contract_id)
    alice.submit(contract_id)
    bob = browser_as("bob")
    task_id = bob.task_id_for(number)
    assert number not in text(bob.get("/inbox/?scope=mine"))
    bob.post(f"/inbox/tasks/{task_id}/claim")
    assert number in text(bob.get("/inbox/?scope=mine"))
    assert number not in text(bob.get("/inbox/?scope=groups"))
    back = bob.post(f"/inbox/tasks/{task_id}/unclaim")
    assert back.location == f"/inbox/tasks/{task_id}"
    assert "back to its groups" in text(bob.get(back.location))
    assert bob.post(f"/inbox/tasks/{task_id}/unclaim").status_code == 302
    assert "not claimed by bob" in text(bob.get(f"/inbox/tasks/{task_id}"))


def test_the_nav_counts_ready_tasks(browser_as):
    alice = browser_as("alice")
    for _ in range(2):
        alice.submit(alice.create_contract())
    html = text(browser_as("bob").get("/contracts/"))
    assert re.search(r'<span class="count"[^>]*>2</span>', html)


# --- CSRF ----------------------------------------------------------------------


def test_a_post_without_csrf_token_is_refused(template_db, tmp_path):
    path = tmp_path / "csrf.db"
    path.write_bytes(Path(template_db).read_bytes())
    app = make_app(path, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    form = {"username": "alice", "password": DEMO_PASSWORD}
    refused = client.post("/login", data=form)
    assert refused.status_code == 400
    assert "csrf_failed" in text(refused)

    token = TOKEN.search(text(client.get("/login"))).group(1)
    assert client.post("/login", data={**form, "csrf_token": token}).status_code == 302
    assert client.post("/contracts/new", data=contract_form()).status_code == 400
