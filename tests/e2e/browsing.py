"""Plain helpers of the browser tests (fixtures are in conftest.py): contexts, the live status,
a paragraph's thread and its comment form."""

from django.test import Client


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


def wait_live(page):
    """Wait until the page's websocket said hello (the status line shows the readers)."""
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)


def thread(page, key):
    """Open a paragraph's comments (as a reader would) and return the thread's locator."""
    page.click(f'[data-paragraph="{key}"] a.thread-toggle')
    return page.locator(f"#thread-{key}")


def write(page, key, text):
    """Write `text` into the paragraph's (open) comment form and send it."""
    box = page.locator(f"#thread-{key} form[data-comment-form]").first
    box.locator("textarea").fill(text)
    box.locator("button[type=submit]").click()
