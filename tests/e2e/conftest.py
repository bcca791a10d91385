"""A real server on a free localhost port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.factories import DEMO_PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]
HTMX = REPO_ROOT / "webui" / "static" / "vendor" / "htmx.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def frontend_built() -> None:
    """Build the front end only when `make frontend` has not done it."""
    if not HTMX.exists():
        subprocess.run(["make", "frontend"], cwd=REPO_ROOT, check=True)  # noqa: S607


@pytest.fixture
def live_server(frontend_built, tmp_path: Path) -> Iterator[str]:
    """Serve a fresh app (migrated, demo data) on 127.0.0.1:<free port>; yield its base URL."""
    from werkzeug.serving import make_server

    from contracts.demo.seed import load_demo_data
    from webui.cli import upgrade_database
    from webui.extensions import db

    app = make_app(tmp_path / "e2e.db", tmp_path, WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    with app.app_context():
        upgrade_database(app)
        load_demo_data(db.session)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run make test-e2e, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server) -> Iterator[Callable[..., object]]:
    """`new_page(width, height)` opens a page in a fresh context (own cookies)."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, locale: str = "en-US"):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, base_url=live_server, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, username: str) -> None:
    """Sign in through the login form, then open the inbox."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/inbox/")  # the journeys start from the inbox, whatever the landing page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
