"""Browser tests: Debian's Chromium driven by Playwright against real Daphne on the test database."""

import shutil

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.servers import daphne

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Arrival, not speed, is asserted: a generous bound for a loaded 2-core machine (bench/ measures).
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture
def browser(transactional_db, monkeypatch):
    """A fresh headless Chromium per test.

    Playwright's sync API keeps an event loop running in this thread, which Django's async
    safety check mistakes for async code; the ORM calls here are plain synchronous test code,
    so the check is switched off for the browser tests alone (Django docs: "Async safety").
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not installed: `make test` installs it with apt-get"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def server(transactional_db):
    """A real Daphne on a free port, reading the test database."""
    with daphne() as (address,):
        yield f"http://{address}"


def logged_in_context(browser, server, user=None, **context_options):
    """A fresh browser context (own cookies), with `user`'s session when given."""
    context = browser.new_context(locale="de-DE", **context_options)
    if user is not None:
        client = Client()
        client.force_login(user)
        host = server.split("//")[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
    return context


@pytest.fixture
def open_page(browser, server):
    """A page in a fresh browser context, logged in as `user` (or anonymous)."""
    contexts = []

    def open_(user=None, path="/", javascript=True, **context_options):
        context = logged_in_context(
            browser, server, user, java_script_enabled=javascript, **context_options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(server + path)
        return page

    yield open_
    for context in contexts:
        context.close()


def wait_live(page):
    """Wait until the page's websocket said hello (the status line shows the readers)."""
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
