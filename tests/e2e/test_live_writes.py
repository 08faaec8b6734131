"""Writes and status changes on an open page: re-sent after a lost answer, closed live, released live."""

import re

from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.browsing import logged_in_context, thread, wait_live, write


def test_a_comment_whose_answer_was_lost_is_sent_again_and_stored_once(
    draft, paragraph, citizen, browser, server
):
    key = str(paragraph.key)
    context = logged_in_context(browser, server, citizen)
    page = context.new_page()
    page.set_default_timeout(10_000)
    connections = []

    def route(socket):
        """Pass frames through, but lose the first connection's answer to the comment."""
        connections.append(socket)
        upstream = socket.connect_to_server()
        first = len(connections) == 1

        def to_page(message):
            if first and '"type":"ack"' in message and '"comment"' in message:
                socket.close()  # the write was carried out; the page never hears of it
                return
            socket.send(message)

        socket.on_message(lambda message: upstream.send(message))
        upstream.on_message(to_page)

    page.route_web_socket(re.compile(r"/ws/drafts/"), route)
    page.goto(f"{server}/drafts/{draft.slug}/")
    wait_live(page)
    thread(page, key)
    write(page, key, "Nur einmal gespeichert")
    mine = page.locator(f"#thread-{key} .comment__body", has_text="Nur einmal gespeichert")
    expect(mine).to_have_count(1, timeout=15_000)
    form = page.locator(f"#thread-{key} form[data-comment-form]").first
    expect(form.locator("textarea")).to_have_value("")  # answered: the page took it as done
    expect(form.locator(".live-error")).to_have_count(0)
    assert len(connections) >= 2
    assert Comment.objects.filter(body="Nur einmal gespeichert").count() == 1
    context.close()


def test_closing_the_consultation_takes_the_controls_off_open_pages(
    draft, paragraph, citizen, wg, open_page
):
    key = str(paragraph.key)
    reader = open_page(citizen, f"/drafts/{draft.slug}/?thread={key}#p-{key}")
    wait_live(reader)
    expect(reader.locator(f"#thread-{key} textarea")).to_have_count(1)
    expect(reader.locator("#draft-window")).to_contain_text("Kommentare willkommen bis")
    staff = open_page(wg, f"/drafts/{draft.slug}/")
    staff.locator("summary", has_text="Beteiligung jetzt beenden").click()
    staff.get_by_role("button", name="Ja, Beteiligung jetzt beenden").click()
    expect(reader.locator("#status-banner")).to_be_visible(timeout=5000)
    expect(reader.locator("#status-banner")).to_contain_text("Die Beteiligung ist beendet")
    # The badge and the line beside it no longer say "open" and count days (issue 12).
    window = reader.locator("#draft-window")
    expect(window.locator(".badge")).to_have_text("Beteiligung beendet")
    expect(window.locator(".badge")).to_have_class("badge badge--closed")
    expect(window).not_to_contain_text("Tage")
    expect(window).not_to_contain_text("bis")
    expect(window).to_contain_text("Beendet am")
    expect(reader.locator("#status-banner a[data-results]")).to_have_attribute(
        "href", f"/drafts/{draft.slug}/results/"
    )
    expect(reader.locator("form[data-votes]")).to_have_count(0)
    expect(reader.locator(".votes--results").first).to_be_visible()
    expect(reader.locator(f"#thread-{key} textarea")).to_have_count(0)
    # After a reload too: results, not controls.
    reader.reload()
    expect(reader.locator("form[data-votes]")).to_have_count(0)
    expect(reader.locator(f'[data-paragraph="{key}"] .votes--results')).to_be_visible()
    expect(reader.locator(f"#thread-{key} textarea")).to_have_count(0)


def test_the_authors_pending_comment_turns_published_when_released(
    pre_draft, citizen, moderator, open_page
):
    key = str(pre_draft.paragraphs.exclude(kind="heading").first().key)
    author = open_page(citizen, f"/drafts/{pre_draft.slug}/")
    queue = open_page(moderator, "/moderation/")
    wait_live(author)
    expect(queue.locator("#moderation-live")).to_be_visible()
    thread(author, key)
    write(author, key, "Warte auf Freigabe")
    expect(author.locator(f"#thread-{key} > .message")).to_contain_text("Moderation")
    mine = author.locator(f"#thread-{key} .comment", has_text="Warte auf Freigabe")
    expect(mine.locator(".badge--pending")).to_be_visible()
    item = queue.locator(".queue-item", has_text="Warte auf Freigabe")
    item.get_by_role("button", name="Freigeben").click()
    expect(mine.locator(".badge--pending")).to_have_count(0, timeout=5000)
    expect(mine).to_have_class(re.compile(r"comment--published"))
    expect(author.locator("#live-announcer")).to_contain_text("freigegeben")
    # As the reloaded page shows it: answerable, and no notice that it awaits release.
    expect(mine.locator("details.comment__reply summary")).to_have_text("Antworten")
    expect(author.locator(f"#thread-{key} > .message")).to_have_count(0)
    mine.locator("details.comment__reply summary").click()  # the reply form works live
    expect(mine.locator("details.comment__reply textarea")).to_be_visible()
    author.goto(author.url.split("?")[0].split("#")[0] + f"?thread={key}")
    reloaded = author.locator(f"#thread-{key} .comment", has_text="Warte auf Freigabe")
    expect(reloaded.locator("details.comment__reply summary")).to_have_text("Antworten")
    expect(author.locator(f"#thread-{key} > .message")).to_have_count(0)


def test_an_open_page_closes_itself_at_the_closing_time(make_draft, citizen, open_page):
    """No event is sent when the clock closes a consultation: the page knows the time."""
    from datetime import timedelta

    from django.utils import timezone

    from drafts.services import draft_open

    draft = make_draft(open=False, slug="gleich-zu")
    draft_open(draft=draft, closes_at=timezone.now() + timedelta(seconds=8))
    reader = open_page(citizen, f"/drafts/{draft.slug}/")
    wait_live(reader)
    expect(reader.locator("form[data-votes]").first).to_be_visible()
    expect(reader.locator("#status-banner")).to_be_visible(timeout=20_000)
    expect(reader.locator("form[data-votes]")).to_have_count(0)
