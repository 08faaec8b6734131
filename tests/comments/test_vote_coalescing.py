"""Votes: a per-paragraph rev, coalesced `votes.changed`, counts in `hello` and `resume` answers."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from comments import services
from comments.models import ParagraphTally, ParagraphVote
from deliberation import events
from deliberation.hub import Hub
from deliberation.models import Event
from tests.comments.sockets import connect, receive, receive_type
from tests.races import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_rev_grows_with_every_change_of_the_counts(paragraph, citizen, other_citizen):
    first = services.vote_cast(user=citizen, paragraph=paragraph, choice="agree")
    second = services.vote_cast(user=other_citizen, paragraph=paragraph, choice="disagree")
    again = services.vote_cast(user=other_citizen, paragraph=paragraph, choice="disagree")
    withdrawn = services.vote_cast(user=citizen, paragraph=paragraph, choice="none")
    assert [first["rev"], second["rev"], again["rev"], withdrawn["rev"]] == [1, 2, 2, 3]
    assert withdrawn["counts"] == {"agree": 0, "disagree": 1, "neutral": 0}
    assert ParagraphTally.objects.get(paragraph=paragraph).rev == 3


def test_votes_are_not_in_the_event_log(paragraph, citizen):
    services.vote_cast(user=citizen, paragraph=paragraph, choice="agree")
    assert not Event.objects.filter(type="votes.changed").exists()


class Collector:
    """A socket of the hub that keeps what it is given."""

    def __init__(self):
        self.texts: list[str] = []

    def deliver_now(self, frame):
        return False  # as a socket without the fast path: the hub awaits deliver

    async def deliver(self, frame):
        self.texts.append(frame.text)


async def test_a_burst_of_votes_reaches_readers_as_the_first_and_the_newest():
    hub, reader = Hub(), Collector()
    hub.sockets["draft.1"].add(reader)
    for rev in range(1, 11):  # all within one window: nothing yields in between
        text = json.dumps({"type": "votes.changed", "paragraph": "p", "rev": rev})
        await hub.dispatch({"stream": "draft.1", "text": text, "coalesce": "p", "rev": rev})
    await hub.dispatch({"stream": "draft.1", "text": "late", "coalesce": "p", "rev": 4})
    assert [json.loads(t)["rev"] for t in reader.texts] == [1]
    async with asyncio.timeout(5):
        while len(reader.texts) < 2:
            await asyncio.sleep(0.05)
    assert [json.loads(t)["rev"] for t in reader.texts] == [1, 10]


async def test_other_paragraphs_and_events_are_not_held_back():
    hub, reader = Hub(), Collector()
    hub.sockets["draft.1"].add(reader)
    for key in ("a", "b"):
        await hub.dispatch({"stream": "draft.1", "text": key, "coalesce": key, "rev": 1})
    await hub.dispatch({"stream": "draft.1", "text": "comment"})
    assert reader.texts == ["a", "b", "comment"]


async def test_hello_and_resume_answers_carry_the_counts_with_their_rev(
    draft, paragraph, citizen, other_citizen
):
    await sync_to_async(services.vote_cast)(user=citizen, paragraph=paragraph, choice="agree")
    await sync_to_async(services.vote_cast)(
        user=other_citizen, paragraph=paragraph, choice="neutral"
    )
    reader, *_ = await connect(draft.slug, AnonymousUser())
    hello = await receive(reader)
    key = str(paragraph.key)
    assert hello["counts"][key] == {"agree": 1, "disagree": 0, "neutral": 1, "rev": 2}
    await sync_to_async(services.vote_cast)(user=citizen, paragraph=paragraph, choice="none")
    changed = await receive_type(reader, "votes.changed")
    assert changed["rev"] == 3 and "seq" not in changed
    await reader.send_to(text_data=json.dumps({"action": "resume", "since": 0, "request_id": 1}))
    ack = await receive_type(reader, "ack")
    assert ack["counts"][key] == {"agree": 0, "disagree": 0, "neutral": 1, "rev": 3}
    await reader.send_to(text_data=json.dumps({"action": "resume", "since": 999, "request_id": 2}))
    await receive_type(reader, "resync")
    assert (await receive_type(reader, "ack"))["counts"][key]["rev"] == 3
    await reader.disconnect()


async def test_a_heartbeat_tells_readers_of_a_lost_votes_changed(
    draft, paragraph, citizen, other_citizen, settings, monkeypatch
):
    """`votes.changed` has no seq: the heartbeat's `votes` (the sum of the draft's revs) shows
    a reader that one was lost, and a resume answer brings the exact counts (protocol 6.5)."""
    settings.LIVE_HEARTBEAT = 0.2
    await sync_to_async(services.vote_cast)(user=citizen, paragraph=paragraph, choice="agree")
    reader, *_ = await connect(draft.slug, AnonymousUser())
    hello = await receive_type(reader, "hello")
    known = sum(counts["rev"] for counts in hello["counts"].values())
    assert known == 1
    monkeypatch.setattr(events, "send_now", lambda *args, **kwargs: None)  # lost after COMMIT
    await sync_to_async(services.vote_cast)(
        user=other_citizen, paragraph=paragraph, choice="disagree"
    )
    beat = await receive_type(reader, "heartbeat")
    while beat["votes"] == known:  # a beat from before the vote
        beat = await receive_type(reader, "heartbeat")
    assert beat == {"type": "heartbeat", "seq": hello["seq"], "votes": known + 1}
    await reader.send_to(text_data=json.dumps({"action": "resume", "since": beat["seq"]}))
    ack = await receive_type(reader, "ack")
    assert ack["counts"][str(paragraph.key)] == {"agree": 1, "disagree": 1, "neutral": 0, "rev": 2}
    await reader.disconnect()


@postgresql_only
@pytest.mark.parametrize("attempt", range(3))
def test_one_person_voting_from_two_tabs_at_once_counts_once(paragraph, citizen, attempt):
    outcomes = at_once(
        *(
            lambda choice=choice: services.vote_cast(
                user=citizen, paragraph=paragraph, choice=choice
            )
            for choice in ("agree", "disagree")
        )
    )
    assert outcomes == ["ok", "ok"]
    vote = ParagraphVote.objects.get(paragraph=paragraph, user=citizen)
    tally = ParagraphTally.objects.get(paragraph=paragraph)
    assert tally.vote_counts() == {"agree": 0, "disagree": 0, "neutral": 0} | {vote.choice: 1}
    assert tally.rev == 2
