"""Browser tests: Debian's Chromium driven by Playwright against real Daphne on the test database."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import logged_in_context
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
