"""Group commit of websocket votes (deliberation/groupcommit.py): the writes waiting at one moment
share a transaction, each is answered or refused on its own, a refusal rolls back only itself,
and the totals stay exact, also through real Daphne with many voters at once."""

import asyncio
import json
import random

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

from comments import voting
from comments.models import ParagraphTally, ParagraphVote
from deliberation import events
from deliberation.errors import ActionRefused
from deliberation.groupcommit import GroupCommit
from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


def vote(user, paragraph, choice):
    return lambda: voting.vote_cast(user=user, paragraph=paragraph, choice=choice)


def failing_statement():
    """A write whose SQL fails: on PostgreSQL that aborts the transaction but for a savepoint."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM comments_paragraphvote")


async def test_writes_waiting_together_are_one_group_and_answered_each_on_its_own(
    draft, paragraph, citizen, other_citizen, make_user
):
    heading = await sync_to_async(lambda: draft.paragraphs.filter(kind="heading").first())()
    third = await sync_to_async(make_user)("carla")
    group = GroupCommit()
    outcomes = await asyncio.gather(
        group.run(vote(citizen, paragraph, "agree")),
        group.run(vote(other_citizen, heading, "agree")),  # refused: a heading
        group.run(failing_statement),  # a database error
        group.run(vote(other_citizen, paragraph, "disagree")),
        group.run(vote(third, paragraph, "maybe")),  # refused: no such choice
        group.run(vote(third, paragraph, "neutral")),
        return_exceptions=True,
    )
    assert list(group.recent_sizes) == [6]
    ok = [outcome for outcome in outcomes if isinstance(outcome, dict)]
    assert [outcome["rev"] for outcome in ok] == [1, 2, 3]
    assert [outcomes[1].code, outcomes[4].code] == ["invalid", "invalid"]
    assert isinstance(outcomes[2], Exception) and not isinstance(outcomes[2], ActionRefused)
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    assert tally.vote_counts() == {"agree": 1, "disagree": 1, "neutral": 1}
    assert tally.rev == 3
    assert await sync_to_async(ParagraphVote.objects.count)() == 3


async def test_a_group_sends_one_votes_changed_per_paragraph_the_newest(
    draft, paragraph, make_user
):
    users = [await sync_to_async(make_user)(f"v{i}") for i in range(12)]
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(events.group_name(events.stream_name(draft)), channel)
    group = GroupCommit()
    answers = await asyncio.gather(*(group.run(vote(user, paragraph, "agree")) for user in users))
    assert list(group.recent_sizes) == [12]
    message = await asyncio.wait_for(layer.receive(channel), 5)
    assert json.loads(message["text"])["counts"]["agree"] == 12
    assert message["rev"] == max(answer["rev"] for answer in answers) == 12
    with pytest.raises(asyncio.TimeoutError):  # and nothing else: the others were older
        await asyncio.wait_for(layer.receive(channel), 0.5)


async def test_later_writes_form_the_next_group_while_one_is_written(draft, paragraph, make_user):
    users = [await sync_to_async(make_user)(f"n{i}") for i in range(9)]
    group = GroupCommit(max_group=4)
    answers = await asyncio.gather(*(group.run(vote(user, paragraph, "agree")) for user in users))
    assert sorted(answer["rev"] for answer in answers) == list(range(1, 10))
    assert list(group.recent_sizes) == [4, 4, 1]


class Voter:
    """A socket read by a task of its own: answers by request id, the newest `votes.changed`."""

    def __init__(self, socket):
        self.socket = socket
        self.answers: dict[str, asyncio.Future] = {}
        self.newest: dict = {"rev": -1}
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        async for text in self.socket:
            message = json.loads(text)
            if message["type"] in ("ack", "error"):
                self.answers.setdefault(
                    message["request_id"], asyncio.get_running_loop().create_future()
                ).set_result(message)
            elif message["type"] == "votes.changed" and message["rev"] > self.newest["rev"]:
                self.newest = message

    async def call(self, frame: dict) -> dict:
        future = self.answers.setdefault(
            frame["request_id"], asyncio.get_running_loop().create_future()
        )
        await self.socket.send(json.dumps(frame))
        async with asyncio.timeout(30):
            return await future


@pytest.mark.slow
async def test_many_voters_at_once_through_real_daphne_each_get_their_own_answer(
    draft, paragraph, make_user
):
    """30 voters on their own sockets send votes as fast as they are answered, with refused
    frames among them; every frame gets its own answer, and the totals, a new reader's snapshot
    and every voter's newest `votes.changed` are exact."""
    heading = await sync_to_async(lambda: draft.paragraphs.filter(kind="heading").first())()
    users = [await sync_to_async(make_user)(f"waehlerin{i}") for i in range(30)]
    cookies = [await sync_to_async(session_cookie)(user) for user in users]
    key = str(paragraph.key)
    with daphne(RATE_LIMIT_VOTES="10000", RATE_LIMIT_SOCKET_FRAMES="10000") as (server,):
        sockets = [await open_socket(server, draft.slug, cookie) for cookie in cookies]
        for socket in sockets:
            await next_of(socket, "hello")
        voters = [Voter(socket) for socket in sockets]
        last_choice: dict[int, str] = {}

        async def vote_many(i: int) -> list[tuple[str, str]]:
            rng, mistakes = random.Random(i), []
            for n in range(12):
                kind = rng.choice(["vote"] * 5 + ["heading", "choice"])
                choice = rng.choice(voting.VOTE_CHOICES)
                answer = await voters[i].call(
                    {
                        "action": "vote",
                        "paragraph": str(heading.key) if kind == "heading" else key,
                        "choice": "vielleicht" if kind == "choice" else choice,
                        "request_id": f"{i}-{n}",
                    }
                )
                if kind == "vote":
                    if answer["type"] != "ack" or answer["choice"] != choice:
                        mistakes.append((f"{i}-{n}", repr(answer)))
                    last_choice[i] = choice
                elif answer["type"] != "error" or answer["code"] != "invalid":
                    mistakes.append((f"{i}-{n}", repr(answer)))
            return mistakes

        results = await asyncio.gather(*(vote_many(i) for i in range(len(voters))))
        assert [mistake for mistakes in results for mistake in mistakes] == []
        votes = list(last_choice.values())
        expected = {c: votes.count(c) for c in ("agree", "disagree", "neutral")}
        tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
        assert tally.vote_counts() == expected
        reader = await open_socket(server, draft.slug)
        assert (await next_of(reader, "hello"))["counts"][key] == {**expected, "rev": tally.rev}
        async with asyncio.timeout(10):  # the last coalescing window closes within 0.2 s
            while any(voter.newest["rev"] < tally.rev for voter in voters):
                await asyncio.sleep(0.05)
        assert all(voter.newest["counts"] == expected for voter in voters)
        await asyncio.gather(*(socket.close() for socket in sockets), reader.close())


@pytest.mark.parametrize("grouped", [True, False])
async def test_a_socket_vote_is_answered_with_group_commit_on_or_off(
    draft, paragraph, citizen, settings, grouped
):
    """LIVE_GROUP_COMMIT=0 (docs/deploy.md) writes each vote in a transaction of its own."""
    from deliberation.groupcommit import group_commit
    from tests.comments.sockets import connect, receive_type

    settings.LIVE_GROUP_COMMIT = grouped
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    frame = {"action": "vote", "paragraph": str(paragraph.key), "choice": "agree", "request_id": 1}
    await socket.send_to(text_data=json.dumps(frame))
    ack = await receive_type(socket, "ack")
    assert ack["counts"]["agree"] == 1 and ack["request_id"] == 1
    assert list(group_commit().recent_sizes) == ([1] if grouped else [])
    await socket.disconnect()
