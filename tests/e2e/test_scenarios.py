"""What people see in a real browser: the seven scenarios of the browser-test issue."""

import pytest
from playwright.sync_api import expect

from comments import services
from tests.e2e.browsing import logged_in_context, thread, wait_live, write
from tests.servers import daphne, free_port


def test_1_two_browsers_see_comments_votes_and_replies_live(
    draft, paragraph, citizen, other_citizen, open_page
):
    key = str(paragraph.key)
    a, b = (
        open_page(citizen, f"/drafts/{draft.slug}/"),
        open_page(other_citizen, f"/drafts/{draft.slug}/"),
    )
    wait_live(a), wait_live(b)
    thread(a, key), thread(b, key)
    expect(b.locator(f"#thread-{key}")).to_be_visible()
    write(a, key, "Live aus Browser A")
    # Arrival, not speed: the time it takes is measured in bench/fanout.py.
    expect(
        b.locator(f"#thread-{key} .comment__body", has_text="Live aus Browser A")
    ).to_be_visible()
    a.click(f'[data-paragraph="{key}"] button[data-choice="agree"]')
    expect(b.locator(f'[data-paragraph="{key}"] [data-count="agree"]')).to_have_text("1")
    expect(a.locator(f'[data-paragraph="{key}"] button[data-choice="agree"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    comment = b.locator(f"#thread-{key} .comment", has_text="Live aus Browser A")
    comment.locator("summary", has_text="Antworten").click()
    comment.locator("textarea[name=body]").fill("Antwort aus Browser B")
    comment.locator(".comment__reply button[type=submit]").click()
    expect(
        a.locator(f"#thread-{key} .replies .comment__body", has_text="Antwort aus Browser B")
    ).to_be_visible()


def test_2_pre_moderation_release_from_the_live_queue(
    pre_draft, citizen, other_citizen, moderator, open_page
):
    key = str(pre_draft.paragraphs.exclude(kind="heading").first().key)
    a, b = (
        open_page(citizen, f"/drafts/{pre_draft.slug}/"),
        open_page(other_citizen, f"/drafts/{pre_draft.slug}/"),
    )
    queue = open_page(moderator, "/moderation/")
    wait_live(a), wait_live(b)
    expect(queue.locator("#moderation-live")).to_be_visible()
    thread(a, key), thread(b, key)
    write(a, key, "Bitte freigeben, Moderation!")
    mine = a.locator(f"#thread-{key} .comment", has_text="Bitte freigeben, Moderation!")
    expect(mine.locator(".badge--pending")).to_have_text("wartet auf Freigabe")
    item = queue.locator(".queue-item", has_text="Bitte freigeben, Moderation!")
    expect(item).to_be_visible()
    expect(b.locator(f"#thread-{key}")).not_to_contain_text("Bitte freigeben, Moderation!")
    item.get_by_role("button", name="Freigeben").click()
    expect(item).to_have_count(0)
    expect(
        b.locator(f"#thread-{key} .comment__body", has_text="Bitte freigeben, Moderation!")
    ).to_be_visible()


def test_3_new_version_banner_and_version_marker(draft, paragraph, citizen, wg, open_page):
    key = str(paragraph.key)
    a = open_page(citizen, f"/drafts/{draft.slug}/")
    wait_live(a)
    thread(a, key)
    write(a, key, "Zur ersten Fassung")
    expect(
        a.locator(f"#thread-{key} .comment__body", has_text="Zur ersten Fassung")
    ).to_be_visible()
    editor = open_page(wg, f"/drafts/{draft.slug}/edit/")
    text = editor.locator("textarea[name=text]")
    text.fill(text.input_value().replace("Engagement", "Einsatz"))
    editor.fill("input[name=message]", "Wortwahl verbessert")
    editor.get_by_role("button", name="Veröffentlichen").click()
    expect(a.locator("#new-version-banner")).to_be_visible()
    expect(a.locator("#new-version-banner")).to_contain_text("neue Fassung")
    a.goto(a.url.split("?")[0].split("#")[0] + f"?thread={key}#p-{key}")
    marker = a.locator(f"#thread-{key} .comment", has_text="Zur ersten Fassung").locator(
        ".comment__version"
    )
    expect(marker).to_have_text("zu Fassung 1")
    marker.click()
    expect(a.locator("h1")).to_contain_text("Fassung 1")
    expect(a.locator(".diff del").first).to_contain_text("Engagement")
    expect(a.locator(".diff ins").first).to_contain_text("Einsatz")


def test_4_comments_written_while_disconnected_appear_once_after_reconnecting(
    draft, paragraph, citizen, other_citizen, browser
):
    key, port = str(paragraph.key), free_port()
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    with daphne(ports=[port]):
        page.goto(f"http://127.0.0.1:{port}/drafts/{draft.slug}/?thread={key}#p-{key}")
        wait_live(page)
    expect(page.locator("#live-status")).to_contain_text("Verbindung unterbrochen")
    for text in ("Geschrieben während der Pause 1", "Geschrieben während der Pause 2"):
        services.comment_create(user=other_citizen, paragraph=paragraph, body=text)
    with daphne(ports=[port]):
        for text in ("Geschrieben während der Pause 1", "Geschrieben während der Pause 2"):
            expect(page.locator(f"#thread-{key} .comment__body", has_text=text)).to_have_count(
                1, timeout=15_000
            )
        # Events arrive in order: once a later comment (written through this server, so it is
        # broadcast live) is shown, a duplicate of the earlier ones would be shown too.
        writer = logged_in_context(browser, f"http://127.0.0.1:{port}", other_citizen)
        other = writer.new_page()
        other.goto(f"http://127.0.0.1:{port}/drafts/{draft.slug}/")
        wait_live(other)
        thread(other, key)
        write(other, key, "Danach")
        expect(page.locator(f"#thread-{key} .comment__body", has_text="Danach")).to_be_visible()
        writer.close()
        expect(page.locator(f"#thread-{key} .comment__body", has_text="Pause")).to_have_count(2)
    context.close()


def test_5_everything_works_without_javascript(draft, paragraph, citizen, other_citizen, open_page):
    key = str(paragraph.key)
    page = open_page(citizen, f"/drafts/{draft.slug}/", javascript=False)
    page.click(f'[data-paragraph="{key}"] a.thread-toggle')
    write(page, key, "Ganz ohne Skript")
    expect(
        page.locator(f"#thread-{key} .comment__body", has_text="Ganz ohne Skript")
    ).to_be_visible()
    page.click(f'[data-paragraph="{key}"] button[data-choice="disagree"]')
    expect(page.locator(f'[data-paragraph="{key}"] [data-count="disagree"]')).to_have_text("1")
    expect(
        page.locator(f'[data-paragraph="{key}"] button[data-choice="disagree"]')
    ).to_have_attribute("aria-pressed", "true")
    other = open_page(
        other_citizen, f"/drafts/{draft.slug}/?thread={key}#p-{key}", javascript=False
    )
    comment = other.locator(f"#thread-{key} .comment", has_text="Ganz ohne Skript")
    comment.locator("summary", has_text="Antworten").click()
    comment.locator("textarea[name=body]").fill("Antwort ohne Skript")
    comment.locator(".comment__reply button[type=submit]").click()
    expect(
        other.locator(f"#thread-{key} .replies .comment__body", has_text="Antwort ohne Skript")
    ).to_be_visible()


FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
}"""


def test_6_keyboard_only_from_the_top_to_a_submitted_comment(draft, paragraph, citizen, open_page):
    key = str(paragraph.key)
    page = open_page(citizen, f"/drafts/{draft.slug}/")
    wait_live(page)
    for _ in range(200):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_VISIBLE), page.evaluate(
            "document.activeElement.outerHTML.slice(0, 120)"
        )
        if page.evaluate(
            f"document.activeElement.matches('[data-paragraph=\"{key}\"] a.thread-toggle')"
        ):
            break
    else:
        pytest.fail("the paragraph's comment control was not reachable by Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#thread-{key}")).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_VISIBLE)
        if page.evaluate("document.activeElement.name === 'body'"):
            break
    page.keyboard.type("Nur mit der Tastatur")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    expect(
        page.locator(f"#thread-{key} .comment__body", has_text="Nur mit der Tastatur")
    ).to_be_visible()


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(el).position !== 'absolute';
  });
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 3).map((el) => el.outerHTML.slice(0, 80))};
}"""


@pytest.mark.parametrize(
    ("width", "label"), [(375, "phone"), (640, "200 % zoom of a 1280 px window"), (320, "320 px")]
)
def test_7_no_sideways_scrolling_on_phones_and_at_200_percent(
    draft, paragraph, citizen, width, label, open_page
):
    key = str(paragraph.key)
    services.comment_create(
        user=citizen,
        paragraph=paragraph,
        body="Ein Kommentar mit einer langen Adresse https://example.org/" + "sehr-lang/" * 12,
    )
    page = open_page(
        citizen,
        f"/drafts/{draft.slug}/?thread={key}#p-{key}",
        viewport={"width": width, "height": 800},
    )
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["width"], (label, result)
    assert not result["wide"], (label, result)


def test_room_view_for_public_sessions_shows_new_comments_live(
    draft, paragraph, citizen, open_page
):
    key = str(paragraph.key)
    room = open_page(None, f"/drafts/{draft.slug}/room/")
    expect(room.locator("svg[role=img]")).to_be_visible()
    writer = open_page(citizen, f"/drafts/{draft.slug}/")
    wait_live(writer)
    thread(writer, key)
    write(writer, key, "Aus dem Saal gesehen")
    expect(room.get_by_text("Aus dem Saal gesehen")).to_be_visible()
