"""Every HTML page in Chinese: no English left in what a zh-CN user reads.

The routes come from `app.url_map`, so a new page is swept without anyone adding it
here. Path parameters are filled from objects seeded through the API as a user would
make them. What is not a page is skipped by rule: the JSON API, static files, and
routes whose last segment carries a file extension (downloads, feeds, favicon).
Whatever a GET answers with `text/html` is read: a 403 or 404 page must be Chinese too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from connectors.catalog import CONNECTORS
from contracts.core.models import Contract, ContractType
from contracts.identity.models import User
from contracts.lifecycle.expiry_notices import _message as expiry_message
from contracts.notifications.models import Notification
from engine import outbox
from engine.models import OutboxMessage, ProcessDefinition, ProcessInstance
from tests.contracts.documents.samples import make_pdf
from tests.contracts.test_imports import GOOD, _sheet
from tests.factories import DEMO_PASSWORD
from webui.extensions import db
from webui.wiring import engine_environment

# The query a page needs besides its path (a comparison needs two versions).
QUERIES = {"documents.compare": "?a=1&b=1", "documents.compare_report": "?a=1&b=1"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
ENGLISH_RUN = re.compile(r"[A-Za-z]{3,}")
# Erased before the search: things that are English by nature, not untranslated text.
NOT_WORDS = [
    re.compile(r"[\w.+-]+@[\w.-]+"),  # e-mail addresses
    re.compile(r"https?://\S*|[\w.-]*/[\w./?=&%#:-]*"),  # URLs, paths, operations (erp/Create)
    re.compile(r"[\w.-]*\.(?:pdf|docx|xlsx|zip|txt|ics|bpmn|dmn|json|csv)\b", re.I),  # files
    re.compile(r"\b[a-z0-9]+(?:[_.-][a-z0-9]+)+\b"),  # identifiers: process_key, nda-zh, a.b
    re.compile(r"\b[0-9a-f]{16,}\b"),  # digests
    re.compile(r"\b[A-Z]{2,}-\d{4}-\d+\b"),  # contract numbers
    re.compile(r"\{.*\}", re.S),  # JSON examples in a placeholder
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"),  # environment variables
]
ALLOWED = {
    # The product, and technical names a Chinese user reads as they are.
    "ContractFlow",
    "BPMN",
    "DMN",
    "API",
    "PDF",
    "DOCX",
    "JSON",
    "POST",
    "Web",  # "Web 进程": the web process, as Chinese admins call it
    "SMTP",
    "SMS",
    "HTTP",
    "HTTPS",
    "URL",
    "FEEL",
    "ETag",
    "CSRF",
    "iCalendar",
    "Markdown",
    "Excel",
    "Word",
    "JavaScript",
    "Webhook",
    "Schema",  # "JSON Schema", a standard's name
    "SHA",  # SHA-256
    "HMAC",
    "Bearer",  # HTTP authentication schemes, named as the standard names them
    "Basic",
    "ERP",
    "CRM",
    "zip",
    # Time zone abbreviation beside a time; the dates owner (issue 14, item 6) reworks it.
    "UTC",
    "NDA",  # the contract type's own abbreviation, used as such in Chinese contracts
    # Currencies (ISO 4217 codes).
    "CNY",
    "USD",
    "EUR",
    "HKD",
    "JPY",
    "GBP",
    # A language's own name in its language switcher.
    "English",
}


class VisibleText(HTMLParser):
    """Collect what a reader sees: text outside script/style, and the readable attributes.

    Left out as not prose: the content of code and of a text area (a field's value,
    data as much as an attribute value), and any element marked `translate="no"`,
    HTML's own mark for content that must not be translated (codes, mails as sent).
    """

    READABLE = ("title", "alt", "aria-label", "placeholder")
    NOT_PROSE = ("script", "style", "template", "code", "textarea")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_tag: str | None = None
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.skip_tag is not None:
            self.skip_depth += tag == self.skip_tag
            return
        if tag in self.NOT_PROSE or values.get("translate") == "no":
            self.skip_tag, self.skip_depth = tag, 1
            return
        self.parts += [values[a] or "" for a in self.READABLE if a in values]
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.skip_tag:
            self.skip_depth -= 1
            if not self.skip_depth:
                self.skip_tag = None

    def handle_data(self, data: str) -> None:
        if self.skip_tag is None:
            self.parts.append(data)


def english_in(html: str, names: set[str]) -> list[str]:
    """Return the runs of three or more ASCII letters a zh-CN reader should not meet."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for pattern in NOT_WORDS:
            part = pattern.sub(" ", part)
        for match in ENGLISH_RUN.finditer(part):
            if match.group() not in ALLOWED and match.group() not in names:
                found.append(part.strip()[:80])
                break
    return found


def is_page(rule: Rule) -> bool:
    """A GET route that answers a browser with a page (not the API, a file or a feed)."""
    last = rule.rule.rsplit("/", 1)[-1]
    return (
        "GET" in (rule.methods or ())
        and not rule.rule.startswith(("/api/", "/static/"))
        and "." not in last
    )


def page_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if is_page(r)), key=lambda r: r.rule)


# -- the objects the pages are about ------------------------------------------------


def seed(app: Flask, api: Any, signed_in: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Make one of everything a page can show; return candidates for each path parameter."""
    for name in ("CONTRACTFLOW_SMTP_HOST", "CONTRACTFLOW_SMS_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    alice, frank = api("alice"), api("frank")
    contract = alice.create_contract(title="展会展位", counterparty="上海会展有限公司", tags=[])
    upload = alice.client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(make_pdf(["合同正文"])), "合同.pdf"), "title": "正文"},
        headers=alice._headers(),
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    document_id = upload.get_json()["id"]
    alice.submit(contract["id"])
    task_id = api("bob").task_for(contract["id"])["id"]
    draft = frank.post(
        "/api/v1/templates/purchase-zh/draft",
        json={"fields": _purchase_fields(), "contract": {"department": "procurement"}},
    )
    assert draft.status_code == 201, draft.get_json()
    approved = alice.create_contract(
        title="打印机租赁", counterparty="上海办公设备有限公司", tags=[]
    )
    alice.submit(approved["id"])
    api("bob").approve(approved["id"])
    amendment = alice.post(f"/api/v1/contracts/{approved['id']}/amendments")
    assert amendment.status_code == 201, amendment.get_json()
    batch = signed_in("admin").client.post(
        "/imports/", data={"sheet": (_sheet(GOOD), "合同.xlsx")}, content_type="multipart/form-data"
    )
    with app.app_context():
        text = "合同即将到期"
        db.session.add(
            OutboxMessage(
                channel="sms",
                payload={"to": "+8613800000001", "text": text},
                idempotency_key="zh-sweep-sms",
            )
        )
        db.session.flush()
        outbox.deliver_due(db.session, engine_environment())
        row = db.session.get(Contract, contract["id"])
        for user in db.session.scalars(select(User).where(User.username.in_(["alice", "admin"]))):
            db.session.add(
                Notification(
                    user_id=user.id,
                    kind="expiry_reminder",
                    message=expiry_message(row)[1],
                    link=f"/contracts/{row.id}",
                )
            )
        db.session.commit()
        from connectors.models import SinkMessage

        sink = {
            channel: [m.id for m in db.session.scalars(select(SinkMessage)) if m.channel == channel]
            for channel in ("email", "sms")
        }
        definition = db.session.scalars(select(ProcessDefinition)).first()
        instance_ids = list(db.session.scalars(select(ProcessInstance.id)))
        type_codes = list(db.session.scalars(select(ContractType.code)))
    return {
        "contract_id": [
            contract["id"],
            draft.get_json()["contract"]["id"],
            amendment.get_json()["id"],  # the amendment's compare page needs one
        ],
        "task_id": [task_id],
        "document_id": [document_id],
        "instance_id": instance_ids,
        "key": [definition.key],
        "version": [definition.version],
        "code": ["purchase-zh", *type_codes],
        "number": [1],
        "message_id": sink["email"] + sink["sms"],
        "batch_id": [int(batch.headers["Location"].rstrip("/").rsplit("/", 1)[-1])],
        "name": list(CONNECTORS),
    }


def _purchase_fields() -> dict[str, Any]:
    from tests.webui.api.test_templates_api import PURCHASE_FIELDS

    return dict(PURCHASE_FIELDS)


def fillings(rule: Rule, candidates: dict[str, list]) -> Iterator[dict[str, Any]]:
    """Yield values for the rule's parameters, one candidate set after another."""
    names = sorted(rule.arguments)
    if not names:
        yield {}
        return
    longest = max(len(candidates[n]) for n in names)
    for i in range(longest):
        yield {n: candidates[n][min(i, len(candidates[n]) - 1)] for n in names}


def known_names(app: Flask) -> set[str]:
    """Words people entered: user names, and the titles and parties of the imported sheet."""
    with app.app_context():
        names = set()
        for user in db.session.scalars(select(User)):
            names |= {user.username, *user.display_name.split()}
    for row in GOOD:
        names |= {w for cell in row[1:] for w in ENGLISH_RUN.findall(str(cell))}
    return names


# The admin sees every page; alice drafts contracts; bob approves (the task page is his).
@pytest.mark.parametrize("username", ["admin", "alice", "bob"])
def test_every_page_reads_in_chinese(app, api, signed_in, monkeypatch, username):
    candidates = seed(app, api, signed_in, monkeypatch)
    names = known_names(app)
    client = app.test_client()
    login = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert login.status_code == 302
    english: dict[str, list[str]] = {}
    unreached = []
    for rule in page_rules(app):
        missing = set(rule.arguments) - set(candidates)
        assert not missing, f"{rule.rule}: no seeded object for {missing}; add one to seed()"
        response = None
        for values in fillings(rule, candidates):
            path = rule.build(values, append_unknown=False)[1] + QUERIES.get(rule.endpoint, "")
            response = client.get(path, headers=ZH)
            if response.status_code == 200:
                break
        assert response is not None
        if username == "admin" and response.status_code not in (200, 302, 403):
            unreached.append(f"{rule.rule} -> {response.status_code}")
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            continue  # a file, or a redirect's placeholder body
        found = english_in(response.get_data(as_text=True), names)
        if found:
            english[f"{path} ({response.status_code})"] = found
    assert not unreached, unreached
    assert not english, "\n".join(f"{p}: {f}" for p, f in english.items())
