"""One's own state on an open page matches a reload: one's vote across tabs and devices, a
vote's and a form's errors (one's released comment: test_live_writes.py)."""

from playwright.sync_api import expect

from comments import voting
from comments.models import ParagraphVote
from tests.e2e.browsing import logged_in_context, thread, wait_live, write

NO_BROADCAST = "delete window.BroadcastChannel;"


def votes_of(page, key):
    return page.locator(f'[data-paragraph="{key}"] form[data-votes]')


def tabs(browser, server, user, path, init_script=None):
    """Two tabs of one browser (one context: they share cookies and BroadcastChannel)."""
    context = logged_in_context(browser, server, user)
    if init_script:
        context.add_init_script(init_script)
    pages = []
    for _ in range(2):
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(server + path)
        wait_live(page)
        pages.append(page)
    return context, pages


def test_a_second_tab_learns_ones_new_vote_and_a_click_there_casts_not_withdraws(
    draft, paragraph, citizen, browser, server
):
    key = str(paragraph.key)
    context, (first, second) = tabs(browser, server, citizen, f"/drafts/{draft.slug}/")
    first_votes, second_votes = votes_of(first, key), votes_of(second, key)
    first_votes.locator("button[data-choice=agree]").click()
    expect(first_votes.locator("button[data-choice=agree]")).to_have_attribute(
        "aria-pressed", "true"
    )
    # The other tab shows it as the person's choice at once, as a reload would.
    expect(second_votes.locator("button[data-choice=agree]")).to_have_attribute(
        "aria-pressed", "true"
    )
    second_votes.locator("button[data-choice=neutral]").click()
    expect(first_votes.locator("button[data-choice=neutral]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(first_votes.locator("button[data-choice=agree]")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(first_votes.locator(".vote--agree .vote__mine")).to_be_hidden()
    first_votes.locator("button[data-choice=agree]").click()
    expect(first_votes.locator("[data-count=agree]")).to_have_text("1")
    expect(first_votes.locator("[data-count=neutral]")).to_have_text("0")
    expect(second_votes.locator("button[data-choice=agree]")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert ParagraphVote.objects.get(paragraph=paragraph, user=citizen).choice == "agree"
    context.close()


def test_without_broadcast_a_stale_choice_is_cleared_by_the_counts_and_a_click_casts(
    draft, paragraph, citizen, browser, server
):
    key = str(paragraph.key)
    context, (first, second) = tabs(
        browser, server, citizen, f"/drafts/{draft.slug}/", init_script=NO_BROADCAST
    )
    first_votes, second_votes = votes_of(first, key), votes_of(second, key)
    first_votes.locator("button[data-choice=agree]").click()
    expect(first_votes.locator("button[data-choice=agree]")).to_have_attribute(
        "aria-pressed", "true"
    )
    second_votes.locator("button[data-choice=neutral]").click()
    expect(first_votes.locator("[data-count=neutral]")).to_have_text("1")
    # The agree count is 0: it cannot hold this person's vote any more.
    expect(first_votes.locator("button[data-choice=agree]")).to_have_attribute(
        "aria-pressed", "false"
    )
    first_votes.locator("button[data-choice=agree]").click()
    expect(first_votes.locator("[data-count=agree]")).to_have_text("1")
    expect(first_votes.locator("[data-count=neutral]")).to_have_text("0")
    assert ParagraphVote.objects.get(paragraph=paragraph, user=citizen).choice == "agree"
    context.close()


def test_a_live_form_error_on_a_phone_is_in_view_and_announced(
    draft, paragraph, citizen, open_page
):
    key = str(paragraph.key)
    page = open_page(citizen, f"/drafts/{draft.slug}/", viewport={"width": 390, "height": 844})
    wait_live(page)
    thread(page, key)
    write(page, key, "   ")
    error = page.locator(f"#thread-{key} form[data-comment-form] .live-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).not_to_be_empty()
    expect(error).to_be_in_viewport()
    textarea = page.locator(f"#thread-{key} form[data-comment-form] textarea").first
    expect(textarea).to_be_focused()
    expect(textarea).to_have_attribute("aria-invalid", "true")
    described = textarea.get_attribute("aria-describedby") or ""
    assert error.get_attribute("id") in described.split()


def test_withdrawing_a_vote_changed_on_another_device_keeps_it_and_shows_it(
    draft, paragraph, citizen, other_citizen, browser, server
):
    """Two devices of one person share no BroadcastChannel: the second still shows "agree" as
    the person's vote (its count stays above 0: another person agrees). Pressing it meant to
    withdraw "agree"; the stored vote is "disagree", so it stays and the page shows it."""
    key, path = str(paragraph.key), f"/drafts/{draft.slug}/"
    voting.vote_cast(user=other_citizen, paragraph=paragraph, choice="agree")
    phone, laptop = (logged_in_context(browser, server, citizen) for _ in range(2))
    pages = []
    for context in (phone, laptop):
        page = context.new_page()
        page.set_default_timeout(10_000)
        pages.append(page)
    pages[0].goto(server + path)
    wait_live(pages[0])
    votes_of(pages[0], key).locator("button[data-choice=agree]").click()
    expect(votes_of(pages[0], key).locator("[data-count=agree]")).to_have_text("2")
    pages[1].goto(server + path)
    wait_live(pages[1])
    stale = votes_of(pages[1], key)
    expect(stale.locator("button[data-choice=agree]")).to_have_attribute("aria-pressed", "true")
    votes_of(pages[0], key).locator("button[data-choice=disagree]").click()
    expect(stale.locator("[data-count=disagree]")).to_have_text("1")
    stale.locator("button[data-choice=agree]").click()  # shown as pressed: a withdrawal
    expect(stale.locator("button[data-choice=disagree]")).to_have_attribute("aria-pressed", "true")
    assert ParagraphVote.objects.get(paragraph=paragraph, user=citizen).choice == "disagree"
    phone.close(), laptop.close()


def test_a_vote_refused_for_speed_says_so_until_the_next_vote_goes_through(
    draft, paragraph, citizen, open_page
):
    key = str(paragraph.key)
    page = open_page(citizen, f"/drafts/{draft.slug}/")
    wait_live(page)
    votes = votes_of(page, key)
    page.evaluate(
        """key => {
            const button = document.querySelector(
                `[data-paragraph="${key}"] form[data-votes] button[data-choice=agree]`);
            for (let i = 0; i < 30; i++) button.click();
        }""",
        key,
    )
    expect(votes.locator(".live-error")).to_have_attribute("role", "alert")
    page.wait_for_timeout(1500)  # the connection's budget refills (5 frames a second)
    votes.locator("button[data-choice=neutral]").click()
    expect(votes.locator("button[data-choice=neutral]")).to_have_attribute("aria-pressed", "true")
    expect(votes.locator(".live-error")).to_have_count(0)
