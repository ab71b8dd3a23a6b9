"""A live server for browser tests, and headless Chromium driven by Playwright.

Chromium comes from Debian (`apt-get install chromium`); Playwright's own browser download cannot
work here. The server runs in a thread against the test database; data the browser writes is
committed, so each test removes what it made.
"""

import shutil
import threading

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # *.localhost is this machine; say so explicitly rather than relying on the resolver.
    "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1",
]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def live_site(django_db_setup, django_db_blocker, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; Django's own calls here are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings_dict = connections.settings["default"]
    old_age = settings_dict.get("CONN_MAX_AGE")
    # Request threads open their own connections: to the test database, closed after each request.
    settings_dict["NAME"] = connections["default"].settings_dict["NAME"]
    settings_dict["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock():
        server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=True)
        server.daemon_threads = (
            False  # server_close() then waits for request threads (and their DB connections)
        )
        server.set_app(StaticFilesHandler(get_wsgi_application()))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            server.server_close()
            settings_dict["CONN_MAX_AGE"] = old_age
            connections.close_all()


@pytest.fixture
def browser():
    from playwright import sync_api as playwright_api

    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is needed for browser tests: apt-get install -y chromium")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield instance
        finally:
            instance.close()


def sign_in(page, base: str, username: str, django_db_blocker, code: str = "alpha") -> None:
    """Sign in through the pages, entering a TOTP code when the account needs a second factor."""
    from tests.conftest import PASSWORD, totp_code_for

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/otp/" in page.url:
        with django_db_blocker.unblock():
            token = totp_code_for(code, username)
        connections.close_all()
        page.fill("#id_code", token)
        page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
