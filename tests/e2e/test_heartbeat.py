"""A broadcast lost after COMMIT: the heartbeat's seq makes every page fetch what it missed."""

import pytest
from playwright.sync_api import expect

from comments import services
from tests.e2e.browsing import thread, wait_live
from tests.servers import daphne


@pytest.fixture
def server(transactional_db):
    """Daphne with a heartbeat every second (20 s in production)."""
    with daphne(LIVE_HEARTBEAT_SECONDS="1") as (address,):
        yield f"http://{address}"


def test_pages_catch_up_on_an_event_whose_broadcast_was_lost(draft, paragraph, citizen, open_page):
    key = str(paragraph.key)
    reader = open_page(None, f"/drafts/{draft.slug}/")
    room = open_page(None, f"/drafts/{draft.slug}/room/")
    wait_live(reader)
    thread(reader, key)
    # Written by this test process: its broadcast goes to this process's in-memory channel
    # layer, never to Daphne's. Only the event log and the heartbeat tell of it.
    services.comment_create(user=citizen, paragraph=paragraph, body="Nur im Protokoll")
    expect(
        reader.locator(f"#thread-{key} .comment__body", has_text="Nur im Protokoll")
    ).to_be_visible()
    expect(room.get_by_text("Nur im Protokoll")).to_be_visible()


def test_a_page_gets_exact_counts_after_a_lost_votes_changed(
    draft, paragraph, citizen, other_citizen, open_page
):
    """`votes.changed` carries no seq: the heartbeat's `votes` makes the page ask again."""
    key = str(paragraph.key)
    reader = open_page(None, f"/drafts/{draft.slug}/")
    wait_live(reader)
    # Written by this test process: the `votes.changed` never reaches Daphne's readers.
    services.vote_cast(user=citizen, paragraph=paragraph, choice="agree")
    services.vote_cast(user=other_citizen, paragraph=paragraph, choice="agree")
    expect(reader.locator(f'[data-paragraph="{key}"] [data-count="agree"]').first).to_have_text("2")
