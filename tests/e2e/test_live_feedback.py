"""What a keyboard and screen-reader user meets after writing: focus, announcements, dates."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_live
from tests.servers import daphne, free_port

ACTIVE = "document.activeElement.closest('[data-comment]')?.id ?? document.activeElement.outerHTML.slice(0, 80)"


def keyboard_comment(page, key, text):
    """Open the thread, type, tab to the button and press Enter: no mouse on the form."""
    page.click(f'[data-paragraph="{key}"] a.thread-toggle')
    page.locator(f"#thread-{key} form.comment-form textarea").focus()
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["", "/en"])
def test_focus_moves_to_ones_new_comment_which_is_announced_and_dated_like_the_server(
    draft, paragraph, citizen, open_page, language
):
    key = str(paragraph.key)
    page = open_page(citizen, f"{language}/drafts/{draft.slug}/")
    wait_live(page)
    keyboard_comment(page, key, "Mit der Tastatur geschrieben")
    comment = page.locator(f"#thread-{key} .comment", has_text="Mit der Tastatur geschrieben")
    expect(comment).to_be_visible()
    comment_id = comment.get_attribute("id")
    assert page.evaluate(ACTIVE) == comment_id
    expect(page.locator("#live-announcer")).to_have_text(
        "Your comment is published." if language else "Ihr Kommentar ist veröffentlicht."
    )
    live_date = comment.locator("time").inner_text()
    page.goto(page.url.split("#")[0].split("?")[0] + f"?thread={key}")
    assert page.locator(f"#{comment_id} time").inner_text() == live_date


def test_a_pending_comment_moves_focus_to_its_notice(pre_draft, citizen, open_page):
    key = str(pre_draft.paragraphs.exclude(kind="heading").first().key)
    page = open_page(citizen, f"/drafts/{pre_draft.slug}/")
    wait_live(page)
    keyboard_comment(page, key, "Bitte prüfen")
    notice = page.locator(f"#thread-{key} .message")
    expect(notice).to_contain_text("Moderation")
    assert page.evaluate("document.activeElement.classList.contains('message')")


def test_the_lost_connection_notice_stays_where_the_reader_is(draft, browser):
    port = free_port()
    context = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 600})
    page = context.new_page()
    with daphne(ports=[port]):
        page.goto(f"http://127.0.0.1:{port}/drafts/{draft.slug}/")
        wait_live(page)
        page.locator(".site-footer").scroll_into_view_if_needed()
    notice = page.locator("#live-status")
    expect(notice).to_contain_text("Verbindung unterbrochen")
    expect(notice).to_be_in_viewport()
    context.close()
