"""A group commit applies its votes' tallies at its end, one `UPDATE … RETURNING` per paragraph
(comments/voting.py, deliberation/groupcommit.py `at_group_end`): each vote is still answered
with the totals and rev it made, its receipt keeps that answer, a write rolled back leaves no
delta, and two processes' groups on the same paragraph keep exact totals (PostgreSQL)."""

import asyncio
import json
import random

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import voting
from comments.models import ParagraphTally
from deliberation.groupcommit import GroupCommit, RetryWrite
from deliberation.idempotency import write_once
from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.races import postgresql_only
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True)]
COUNTED = ("agree", "disagree", "neutral")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


def frame_vote(user, paragraph, choice, request_id):
    """What the draft socket runs in a group for {"action": "vote", ...} with a request id."""
    key = str(paragraph.key)

    def write():
        answer = voting.vote_cast_at(user=user, draft_id=paragraph.draft_id, key=key, choice=choice)
        answer["paragraph"] = key
        return answer

    return lambda: write_once(
        user=user,
        request_id=request_id,
        what={"action": "vote", "paragraph": key, "choice": choice},
        write=write,
        transactional=True,
    )


def replay(answers: list[tuple[str, str, dict]]) -> None:
    """Assert that the answers, taken in the order of their rev, are the totals after each
    change: (old choice, new choice, answer) of changing votes of one paragraph."""
    counts = dict.fromkeys(COUNTED, 0)
    for rev, (old, new, answer) in enumerate(sorted(answers, key=lambda a: a[2]["rev"]), 1):
        if old != "none":
            counts[old] -= 1
        if new != "none":
            counts[new] += 1
        assert (answer["rev"], answer["counts"]) == (rev, counts), (old, new, answer)


async def test_one_tally_update_per_paragraph_and_every_answer_as_if_one_by_one(draft, make_user):
    first, second = await sync_to_async(
        lambda: list(draft.paragraphs.exclude(kind="heading").order_by("position")[:2])
    )()
    users = [await sync_to_async(make_user)(f"t{i}") for i in range(8)]
    rng, last = random.Random(5), {}
    writes, expected = [], []
    for n in range(3):  # each person changes each paragraph's vote three times: three groups
        group = []
        for user in users:
            for paragraph in (first, second):
                old = last.get((user.pk, paragraph.pk), "none")
                new = rng.choice([c for c in voting.VOTE_CHOICES if c != old])
                last[(user.pk, paragraph.pk)] = new
                group.append(
                    (paragraph, old, new, frame_vote(user, paragraph, new, f"{n}-{paragraph.pk}"))
                )
        writes.append(group)
    group_commit = GroupCommit()
    # Entered and left on the database thread, where the groups' statements run.
    captured = CaptureQueriesContext(connection)
    await database_sync_to_async(captured.__enter__)()
    for group in writes:
        answers = await asyncio.gather(*(group_commit.run(w, (p.key,)) for p, _, _, w in group))
        expected += [(p, old, new, a) for (p, old, new, _), a in zip(group, answers, strict=True)]
    await database_sync_to_async(captured.__exit__)(None, None, None)
    statements = await database_sync_to_async(lambda: [q["sql"] for q in captured])()
    assert list(group_commit.recent_sizes) == [16, 16, 16]
    bumps = [sql for sql in statements if sql.startswith("UPDATE") and "RETURNING" in sql]
    # One per paragraph and group, and again after making each paragraph's tally row (its first)
    assert len(bumps) == 3 * 2 + 2
    for paragraph in (first, second):
        replay([(old, new, a) for p, old, new, a in expected if p == paragraph])
        tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
        assert tally.rev == 24
        assert tally.vote_counts() == {
            c: sum(v == c for (_, p), v in last.items() if p == paragraph.pk) for c in COUNTED
        }
    # Each receipt keeps the answer given: a repeat of the last group's frames gets it again.
    again = await asyncio.gather(*(group_commit.run(w, (p.key,)) for p, _, _, w in writes[-1]))
    assert again == [a for _, _, _, a in expected[-16:]]


async def test_a_repeat_within_the_same_group_gets_the_first_answer(draft, paragraph, make_user):
    users = [await sync_to_async(make_user)(f"r{i}") for i in range(3)]
    group_commit = GroupCommit()
    twice = frame_vote(users[1], paragraph, "agree", "same-frame")
    answers = await asyncio.gather(
        group_commit.run(frame_vote(users[0], paragraph, "disagree", "a")),
        group_commit.run(twice),
        group_commit.run(twice),
        group_commit.run(frame_vote(users[2], paragraph, "agree", "c")),
    )
    assert list(group_commit.recent_sizes) == [4]
    assert answers[1] == answers[2] and answers[1]["counts"] is not None
    assert [a["rev"] for a in answers] == [1, 2, 2, 3]
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    assert tally.vote_counts() == {"agree": 2, "disagree": 1, "neutral": 0}


async def test_a_write_rolled_back_after_its_vote_leaves_no_delta(draft, paragraph, make_user):
    users = [await sync_to_async(make_user)(f"f{i}") for i in range(3)]

    def vote_then_fail():
        voting.vote_cast(user=users[1], paragraph=paragraph, choice="agree")
        raise RuntimeError("after the vote")

    group_commit = GroupCommit()
    answers = await asyncio.gather(
        group_commit.run(frame_vote(users[0], paragraph, "agree", "a")),
        group_commit.run(vote_then_fail),
        group_commit.run(frame_vote(users[2], paragraph, "neutral", "c")),
        return_exceptions=True,
    )
    assert isinstance(answers[1], RuntimeError)
    assert [answers[0]["rev"], answers[2]["rev"]] == [1, 2]
    assert answers[2]["counts"] == {"agree": 1, "disagree": 0, "neutral": 1}
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    assert (tally.vote_counts(), tally.rev) == ({"agree": 1, "disagree": 0, "neutral": 1}, 2)


async def test_a_write_that_asks_to_run_again_is_rolled_back_and_run_again(
    draft, paragraph, make_user
):
    """What a write's first run left for the group's end is dropped with that run (a receipt
    stored first by a concurrent repeat makes a vote run again: deliberation/idempotency.py)."""
    users = [await sync_to_async(make_user)(f"a{i}") for i in range(2)]
    runs = []

    def vote_then_retry_once():
        runs.append(voting.vote_cast(user=users[0], paragraph=paragraph, choice="agree"))
        if len(runs) == 1:
            raise RetryWrite
        return runs[-1]

    group_commit = GroupCommit()
    answers = await asyncio.gather(
        group_commit.run(vote_then_retry_once),
        group_commit.run(frame_vote(users[1], paragraph, "disagree", "b")),
    )
    assert len(runs) == 2
    assert [(a["rev"], a["counts"]) for a in answers] == [
        (1, {"agree": 1, "disagree": 0, "neutral": 0}),
        (2, {"agree": 1, "disagree": 1, "neutral": 0}),
    ]
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    assert (tally.vote_counts(), tally.rev) == ({"agree": 1, "disagree": 1, "neutral": 0}, 2)


@postgresql_only
@pytest.mark.slow
async def test_two_processes_groups_on_one_paragraph_keep_exact_totals_and_answers(
    draft, paragraph, make_user
):
    """20 voters on each of two Daphne processes change one paragraph's vote as fast as they
    are answered: the groups of both processes interleave on the same tally row. Every answer,
    in the order of its rev, is the totals after that change, and the totals are exact."""
    users = [await sync_to_async(make_user)(f"p{i}") for i in range(40)]
    cookies = [await sync_to_async(session_cookie)(user) for user in users]
    key = str(paragraph.key)
    with daphne(count=2, RATE_LIMIT_VOTES="10000", RATE_LIMIT_SOCKET_FRAMES="10000") as servers:
        sockets = [
            await open_socket(servers[i % 2], draft.slug, cookie)
            for i, cookie in enumerate(cookies)
        ]
        for socket in sockets:
            await next_of(socket, "hello")

        async def vote_many(i: int) -> list[tuple[str, str, dict]]:
            rng, old, answers = random.Random(i), "none", []
            for n in range(10):
                new = rng.choice([c for c in voting.VOTE_CHOICES if c != old])
                frame = {"action": "vote", "paragraph": key, "choice": new, "request_id": n}
                await sockets[i].send(json.dumps(frame))
                answer = await next_of(sockets[i], "ack", timeout=30)
                answers.append((old, new, answer))
                old = new
            return answers

        results = await asyncio.gather(*(vote_many(i) for i in range(len(sockets))))
        await asyncio.gather(*(socket.close() for socket in sockets))
    replay([answer for answers in results for answer in answers])
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    finals = [answers[-1][1] for answers in results]
    assert tally.rev == 400
    assert tally.vote_counts() == {c: finals.count(c) for c in COUNTED}
