"""What a keyboard and screen-reader user meets after writing: focus, announcements, dates."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import wait_live
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


def test_report_edit_delete_happen_in_place_with_the_answer_beside_the_comment(
    draft, paragraph, citizen, other_citizen, open_page
):
    from comments import services

    key = str(paragraph.key)
    theirs = services.comment_create(user=other_citizen, paragraph=paragraph, body="Fremd")
    mine = services.comment_create(user=citizen, paragraph=paragraph, body="Eigen")
    page = open_page(citizen, f"/drafts/{draft.slug}/?thread={key}#c-{theirs.pk}")
    wait_live(page)
    page.evaluate("window.notReloaded = true")
    report = page.locator(f"#c-{theirs.pk}")
    report.locator("summary", has_text="Melden").click()
    report.locator("select").select_option("spam")
    report.get_by_role("button", name="Meldung senden").click()
    feedback = page.locator(f"#c-{theirs.pk} [data-feedback]")
    expect(feedback).to_contain_text("Vielen Dank")
    expect(feedback).to_be_focused()
    expect(feedback).to_be_in_viewport()
    expect(page.locator(f"#c-{theirs.pk} .comment__reported")).to_be_visible()
    edit = page.locator(f"#c-{mine.pk}")
    edit.locator("summary", has_text="Bearbeiten").click()
    edit.locator(f"#edit-{mine.pk}").fill("Eigen und geändert")
    edit.get_by_role("button", name="Speichern").click()
    expect(page.locator(f"#c-{mine.pk} [data-feedback]")).to_be_focused()
    expect(page.locator(f"#c-{mine.pk} [data-body]")).to_have_text("Eigen und geändert")
    page.locator(f"#c-{mine.pk} summary", has_text="Löschen").click()
    page.get_by_role("button", name="Ja, meinen Kommentar löschen").click()
    expect(page.locator(f"#c-{mine.pk} [data-feedback]")).to_contain_text("gelöscht")
    assert page.evaluate("window.notReloaded") is True


def test_the_moderation_queue_says_where_the_moderator_is_when_the_connection_is_lost(
    moderator, browser
):
    from tests.e2e.browsing import logged_in_context

    port = free_port()
    context = logged_in_context(
        browser, f"http://127.0.0.1:{port}", moderator, viewport={"width": 375, "height": 600}
    )
    page = context.new_page()
    with daphne(ports=[port]):
        page.goto(f"http://127.0.0.1:{port}/moderation/")
        expect(page.locator("#moderation-live")).to_be_visible()
        page.locator(".site-footer").scroll_into_view_if_needed()
    notice = page.locator("#moderation-live")
    expect(notice).to_contain_text("Verbindung unterbrochen")
    expect(notice).to_be_in_viewport()
    context.close()


def test_an_answer_is_saved_in_place_with_its_outcome_or_error_beside_the_comment(
    draft, paragraph, citizen, wg, open_page
):
    """The working group's answer list is long: answering one comment must not reload it and
    throw the person back to the top; the outcome (or the refusal) is focused beside the item."""
    from comments import services
    from comments.feedback.models import Answer

    for n in range(8):
        services.comment_create(user=citizen, paragraph=paragraph, body=f"Anregung {n}")
    page = open_page(wg, f"/drafts/{draft.slug}/answers/")
    page.evaluate("window.notReloaded = true")
    item = page.locator("[data-answer-item]").last
    pk = int(item.get_attribute("id").removeprefix("a-"))
    form = item.locator("form.answer-form")
    form.scroll_into_view_if_needed()
    scrolled = page.evaluate("scrollY")
    assert scrolled > 0, "the item is further down the list"
    form.locator("select[name=disposition]").select_option("not_adopted")
    form.get_by_role("button", name="Als Entwurf speichern").click()
    error = page.locator(f"#a-{pk} [data-feedback]")
    expect(error).to_contain_text("zur Kenntnis genommen")
    assert page.evaluate("window.notReloaded") is True
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    assert not Answer.objects.filter(comment_id=pk).exists()
    page.locator(f"#a-{pk}-reply").fill("Passt nicht zum Leitbild.")
    page.locator(f"#a-{pk}").get_by_role("button", name="Speichern und veröffentlichen").click()
    feedback = page.locator(f"#a-{pk} [data-feedback]")
    expect(feedback).to_have_text("Die Antwort ist veröffentlicht.")
    expect(feedback).to_have_attribute("role", "status")
    expect(feedback).to_be_focused()
    expect(feedback).to_be_in_viewport()
    expect(page.locator(f"#a-{pk} .badge")).to_have_text("veröffentlicht")
    assert Answer.objects.get(comment_id=pk).published_at is not None, "the pressed button counts"
    assert page.evaluate("scrollY") == scrolled
    assert page.evaluate("window.notReloaded") is True
