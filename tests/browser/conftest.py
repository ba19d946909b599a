"""Browser tests: Playwright drives Debian's chromium against the app served on 127.0.0.1.

Nothing downloads a browser: the executable is /usr/bin/chromium (apt), or CHROMIUM_PATH.
Each test gets a fresh server on a fresh SQLite database migrated and seeded as `make run`
does, with CSRF protection on. Screenshots land in test-results/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import POSTGRES_URL

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if POSTGRES_URL:
                item.add_marker(pytest.mark.skip(reason="browser journeys run in the SQLite pass"))


@dataclass
class LiveServer:
    url: str
    app: Flask

    def create_user(self, role: str, *, locale: str = "vi") -> str:
        """An account on the served app; returns its email (password: tests.conftest.PASSWORD)."""
        from diaspora.extensions import db
        from diaspora.models import User
        from tests.conftest import create_user

        user_id = create_user(self.app, role, locale=locale)
        with self.app.app_context():
            return db.session.get(User, user_id).email

    def sign_in(self, page, email: str) -> None:
        from tests.conftest import PASSWORD

        page.goto(self.url + "/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(PASSWORD)
        # Wait for the sign-in's own navigation: ``wait_for_load_state`` alone may return at
        # once for the login page still shown, and the next ``goto`` then races the POST.
        with page.expect_navigation():
            page.locator("form[action='/login'] button[type=submit]").click()

    def screenshot(self, page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    from flask_migrate import upgrade

    from diaspora import create_app
    from diaspora.extensions import db
    from diaspora.reference.services import seed_reference

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.sqlite'}",
            "WTF_CSRF_ENABLED": True,
        },
    )
    with app.app_context():
        upgrade()
        seed_reference()
        db.session.commit()
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
