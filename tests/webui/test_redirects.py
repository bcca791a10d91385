"""`next=` after signing in (and after the bell's and the task form's posts) stays on our origin.

A table of known open-redirect bypasses (OWASP / PortSwigger style): each must
land on our own site, never on evil.example, and never answer 500.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from tests.factories import DEMO_PASSWORD
from webui.redirects import safe_next

BYPASSES = [
    "//evil.example/x",
    "///evil.example/x",
    "////evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example/x",
    "\t//evil.example",
    " //evil.example",
    "/\r/evil.example",
    "/\n/evil.example",
    "/\x00/evil.example",
    "/%09/evil.example/x",
    "/%2f%2fevil.example",
    "/%2F%2Fevil.example",
    "/%5cevil.example",
    "/%5C%5Cevil.example",
    "/%252f%252fevil.example",
    "%2f%2fevil.example",
    "https://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//user@evil.example",
    "/\\user@evil.example",
    "evil.example",
    "@evil.example",
    "/%0d%0aLocation:%20https://evil.example",
    "/\r\nLocation: https://evil.example",
    "/\uff0f\uff0fevil.example",
    "\uff0f\uff0fevil.example",
    "/\u3000/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "/..//evil.example",
    "/./\\evil.example",
    "/" + "a" * 5000,
]


def assert_on_our_origin(location: str) -> None:
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    path = location if not parts.netloc else location.split(parts.netloc, 1)[1]
    assert path.startswith("/") and not path.startswith(("//", "/\\")), location
    assert location.isascii() and location.isprintable(), location
    decoded = unquote(unquote(path)).lower()
    assert "evil.example" not in decoded or "evil.example" in parts.path.lower().removeprefix(
        "/"
    ), location
    assert not decoded.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", BYPASSES)
def test_the_helper_refuses_every_bypass(target):
    assert safe_next(target, "/inbox/") == "/inbox/"


@pytest.mark.parametrize(
    "target",
    ["/contracts/7", "/contracts/?q=acme&status=draft", "/inbox/tasks/3#form", "/inbox/"],
)
def test_the_helper_keeps_our_own_paths(target):
    assert safe_next(target, "/inbox/") == target


def test_the_helper_without_a_target_gives_the_default():
    assert safe_next(None, "/inbox/") == "/inbox/"
    assert safe_next("", "/inbox/") == "/inbox/"


@pytest.mark.parametrize("target", BYPASSES)
def test_signing_in_never_sends_the_browser_elsewhere(client, target):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "alice", "password": DEMO_PASSWORD},
    )
    if "\x00" in target:
        # The input guard refuses a NUL in any parameter before the view runs.
        assert response.status_code == 422
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"  # alice's landing page


def test_signing_in_keeps_a_next_page_of_our_own(client):
    response = client.post(
        "/login?next=/contracts/%3Fstatus%3Ddraft",
        data={"username": "alice", "password": DEMO_PASSWORD},
    )
    assert response.headers["Location"] == "/contracts/?status=draft"


def test_the_raw_reported_query_strings_stay_on_our_origin(client):
    for raw in [
        "next=/%09/evil.example/x",
        "next=/%0d%0aSet-Cookie:x=1",
        "next=%2f%2fevil.example",
    ]:
        response = client.post(
            f"/login?{raw}", data={"username": "alice", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, raw
        assert_on_our_origin(response.headers["Location"])
        assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]


@pytest.fixture
def signed_in(client):
    response = client.post("/login", data={"username": "alice", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("path", ["/inbox/notifications/read", "/inbox/language"])
def test_the_bell_and_the_language_switch_stay_on_our_origin(signed_in, path):
    for target in BYPASSES:
        response = signed_in.post(path, data={"next": target, "locale": "en"})
        if "\x00" in target:
            assert response.status_code == 422, target  # the input guard refuses a NUL
            continue
        assert response.status_code == 302, target
        assert_on_our_origin(response.headers["Location"])
        assert response.headers["Location"] in ("/inbox/", "/inbox/notifications"), target


def test_the_bell_keeps_a_page_of_our_own(signed_in):
    response = signed_in.post("/inbox/notifications/read", data={"next": "/contracts/7"})
    assert response.headers["Location"] == "/contracts/7"
