"""One's own state on an open page matches a reload: one's vote across tabs."""

from playwright.sync_api import expect

from comments.models import ParagraphVote
from tests.e2e.browsing import logged_in_context, wait_live

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
