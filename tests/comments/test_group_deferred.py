"""Deferred votes in a group commit (deliberation/groupcommit.py `deferring`, comments/voting.py
`_write_votes`, deliberation/idempotency.py `_receipts_insert`): the group's votes and receipts
are written at its end, a few statements for the whole group, without a savepoint per vote.
When the database is not as the group read it, or a write raises what a refusal is not, the
group is rolled back and run again the careful way, and every answer and total stays exact."""

import asyncio
import json
import logging
import random
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import voting
from comments.models import ParagraphTally, ParagraphVote
from deliberation.groupcommit import GroupCommit
from deliberation.idempotency import receipt_hint, request_key, write_once
from deliberation.models import WriteReceipt
from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.races import postgresql_only
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True)]
REDONE = "run again the careful way"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


def vote(group, user, paragraph, choice, request_id="", order=(0,)):
    """What the draft socket does for {"action": "vote", ...}: deferred, with its hints."""
    key = str(paragraph.key)

    def run():
        return write_once(
            user=user,
            request_id=request_id,
            what={"action": "vote", "paragraph": key, "choice": choice},
            write=lambda: voting.vote_cast_at(
                user=user, draft_id=paragraph.draft_id, key=key, choice=choice
            ),
            transactional=True,
        )

    hints = {
        **voting.vote_hint(user=user, draft_id=paragraph.draft_id, key=key, choice=choice),
        **receipt_hint(user=user, request_id=request_id),
    }
    return group.run(run, order=order, hints=hints, deferred=True)


def rows_and_tally(paragraph):
    """({person id: choice} of the paragraph's vote rows, its tally's counts, its rev)."""
    rows = dict(ParagraphVote.objects.filter(paragraph=paragraph).values_list("user_id", "choice"))
    tally = ParagraphTally.objects.get(paragraph=paragraph)
    return rows, tally.vote_counts(), tally.rev


def assert_tally_counts_rows(rows, counts):
    assert counts == {c: list(rows.values()).count(c) for c in ("agree", "disagree", "neutral")}


async def statements_of(group, votes) -> list[str]:
    captured = CaptureQueriesContext(connection)
    await database_sync_to_async(captured.__enter__)()
    await asyncio.gather(*votes)
    await database_sync_to_async(captured.__exit__)(None, None, None)
    return await database_sync_to_async(lambda: [q["sql"] for q in captured])()


async def test_a_group_of_deferred_votes_costs_the_same_statements_for_8_or_24_votes(
    draft, paragraph, make_user
):
    users = [await sync_to_async(make_user)(f"s{i}") for i in range(32)]
    group = GroupCommit()
    # Two of every three have voted: the groups below then insert, update and delete votes.
    await asyncio.gather(
        *(vote(group, user, paragraph, "agree") for i, user in enumerate(users) if i % 3)
    )
    counts = []
    for voters in (range(8), range(8, 32)):
        statements = await statements_of(
            group,
            [
                vote(group, users[i], paragraph, ("agree", "neutral", "none")[i % 3], f"r{i}")
                for i in voters
            ],
        )
        assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
        counts.append(len(statements))
    assert list(group.recent_sizes)[-2:] == [8, 24]
    # Reads (paragraphs, votes, blocks, receipts), the votes' INSERT, UPDATE and DELETE, the
    # tally, the receipts' INSERT, BEGIN and COMMIT (and PostgreSQL's locks of the pairs): as
    # many for 8 votes as for 24.
    assert counts[0] == counts[1] <= 11 + (connection.vendor == "postgresql")
    rows, tally_counts, _rev = await sync_to_async(rows_and_tally)(paragraph)
    assert_tally_counts_rows(rows, tally_counts)
    assert len(rows) == 32 - 10  # the third who withdrew (i % 3 == 2)
    assert await sync_to_async(WriteReceipt.objects.count)() == 32


async def test_a_vote_row_changed_after_the_groups_read_makes_it_run_again_exactly(
    draft, paragraph, citizen, other_citizen, caplog
):
    """The group reads anna's vote (none), then another write of the same transaction stores
    one for her before the group's end: the deferred INSERT finds the row taken, the group is
    run again the careful way, where her vote is written and the other write fails alone."""

    def store_behind_its_back():
        ParagraphVote.objects.create(paragraph=paragraph, user=citizen, choice="disagree")

    group = GroupCommit()
    with caplog.at_level(logging.INFO, logger="deliberation.groupcommit"):
        outcomes = await asyncio.gather(
            vote(group, citizen, paragraph, "agree", order=(0,)),
            vote(group, other_citizen, paragraph, "neutral", order=(0,)),
            group.run(store_behind_its_back, order=(1,)),
            return_exceptions=True,
        )
    assert REDONE in caplog.text
    assert [o["choice"] for o in outcomes[:2]] == ["agree", "neutral"]
    assert [o["rev"] for o in outcomes[:2]] == [1, 2]
    assert outcomes[1]["counts"] == {"agree": 1, "disagree": 0, "neutral": 1}
    assert isinstance(outcomes[2], Exception)  # her row exists now: the unique constraint
    rows, counts, rev = await sync_to_async(rows_and_tally)(paragraph)
    assert rows == {citizen.pk: "agree", other_citizen.pk: "neutral"}
    assert (counts, rev) == (outcomes[1]["counts"], 2)


async def test_a_receipt_stored_after_the_groups_read_makes_it_run_again(
    draft, paragraph, citizen, caplog
):
    """A concurrent repeat of the same request stored its receipt before the group's end: the
    group runs again the careful way and the vote is saved once, its receipt once."""

    def store_receipt_behind_its_back():
        WriteReceipt.objects.create(
            user=citizen, key=request_key("r"), fingerprint="x", answer={"choice": "agree"}
        )

    group = GroupCommit()
    with caplog.at_level(logging.INFO, logger="deliberation.groupcommit"):
        outcomes = await asyncio.gather(
            vote(group, citizen, paragraph, "agree", request_id="r", order=(0,)),
            group.run(store_receipt_behind_its_back, order=(1,)),
            return_exceptions=True,
        )
    assert REDONE in caplog.text
    assert (outcomes[0]["choice"], outcomes[0]["rev"]) == ("agree", 1)
    assert isinstance(outcomes[1], Exception)
    receipt = await sync_to_async(WriteReceipt.objects.get)(user=citizen)
    assert receipt.answer == outcomes[0]
    rows, _counts, rev = await sync_to_async(rows_and_tally)(paragraph)
    assert (rows, rev) == ({citizen.pk: "agree"}, 1)


async def test_a_group_run_again_counts_each_vote_once_against_the_rate_limit(
    settings, draft, paragraph, citizen, other_citizen
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": 2}

    def store_behind_its_back():
        ParagraphVote.objects.create(paragraph=paragraph, user=other_citizen, choice="agree")

    group = GroupCommit()
    minute = timezone.now().second
    first = await asyncio.gather(
        vote(group, citizen, paragraph, "agree", order=(0,)),
        vote(group, other_citizen, paragraph, "neutral", order=(0,)),
        group.run(store_behind_its_back, order=(1,)),
        return_exceptions=True,
    )
    second = await vote(group, citizen, paragraph, "disagree")
    if timezone.now().second >= minute:  # not across a minute's end (a new window)
        assert (first[0]["choice"], second["choice"]) == ("agree", "disagree")


async def test_refusals_in_a_deferred_group_do_not_make_it_run_again(
    draft, paragraph, citizen, other_citizen, caplog
):
    group = GroupCommit()
    await vote(group, citizen, paragraph, "agree", request_id="r")
    with caplog.at_level(logging.INFO, logger="deliberation.groupcommit"):
        outcomes = await asyncio.gather(
            vote(group, citizen, paragraph, "none", request_id="r"),  # another write: invalid
            vote(group, citizen, paragraph, "maybe"),  # invalid
            vote(group, other_citizen, paragraph, "disagree"),
            return_exceptions=True,
        )
    assert REDONE not in caplog.text
    assert [getattr(o, "code", None) for o in outcomes[:2]] == ["invalid", "invalid"]
    assert (outcomes[2]["rev"], outcomes[2]["counts"]["disagree"]) == (2, 1)


async def test_a_deferred_write_that_fails_makes_the_group_run_again_and_fails_alone(
    draft, paragraph, citizen, other_citizen, caplog
):
    def fails():
        raise RuntimeError("a bug")

    group = GroupCommit()
    with caplog.at_level(logging.INFO, logger="deliberation.groupcommit"):
        outcomes = await asyncio.gather(
            vote(group, citizen, paragraph, "agree"),
            group.run(fails, deferred=True),
            vote(group, other_citizen, paragraph, "agree"),
            return_exceptions=True,
        )
    assert REDONE in caplog.text
    assert isinstance(outcomes[1], RuntimeError)
    assert [o["rev"] for o in (outcomes[0], outcomes[2])] == [1, 2]
    rows, counts, rev = await sync_to_async(rows_and_tally)(paragraph)
    assert (len(rows), counts["agree"], rev) == (2, 2, 2)


async def test_a_person_voting_three_times_in_one_deferred_group(draft, paragraph, citizen):
    group = GroupCommit()
    await vote(group, citizen, paragraph, "neutral")
    outcomes = await asyncio.gather(
        vote(group, citizen, paragraph, "agree"),
        vote(group, citizen, paragraph, "agree"),  # unchanged: sees the one before
        vote(group, citizen, paragraph, "none"),
        vote(group, citizen, paragraph, "disagree"),
    )
    assert [(o["choice"], o["rev"]) for o in outcomes] == [
        ("agree", 2),
        ("agree", 2),
        ("none", 3),
        ("disagree", 4),
    ]
    rows, counts, rev = await sync_to_async(rows_and_tally)(paragraph)
    assert (rows, rev) == ({citizen.pk: "disagree"}, 4)
    assert_tally_counts_rows(rows, counts)


async def test_an_expired_receipt_used_again_is_written_anew(draft, paragraph, citizen):
    group = GroupCommit()
    await vote(group, citizen, paragraph, "agree", request_id="old")
    await sync_to_async(
        lambda: WriteReceipt.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    )()
    again = await vote(group, citizen, paragraph, "none", request_id="old")
    assert (again["choice"], again["rev"]) == ("none", 2)
    receipt = await sync_to_async(WriteReceipt.objects.get)(user=citizen)
    assert receipt.answer == again


async def test_a_vote_that_read_its_row_on_its_own_after_a_deferred_one_runs_again(
    draft, paragraph, citizen, caplog
):
    """A vote named by the paragraph's id (no hint) reads the row itself: the deferred vote of
    the same person before it is not written yet, so it saw no vote. The chain of changes does
    not hold; the group runs again the careful way and the totals count the rows."""
    group = GroupCommit()
    with caplog.at_level(logging.INFO, logger="deliberation.groupcommit"):
        outcomes = await asyncio.gather(
            vote(group, citizen, paragraph, "agree"),
            group.run(
                lambda: voting.vote_cast(user=citizen, paragraph=paragraph, choice="disagree"),
                order=(1,),
                deferred=True,
            ),
        )
    assert REDONE in caplog.text
    assert [(o["choice"], o["rev"]) for o in outcomes] == [("agree", 1), ("disagree", 2)]
    rows, counts, rev = await sync_to_async(rows_and_tally)(paragraph)
    assert (rows, counts, rev) == (
        {citizen.pk: "disagree"},
        {"agree": 0, "disagree": 1, "neutral": 0},
        2,
    )


async def answer_to(socket, request_id) -> dict:
    """The socket's answer (ack or error) to the frame with `request_id`."""
    async with asyncio.timeout(30):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] in ("ack", "error") and message.get("request_id") == request_id:
                return message


@postgresql_only
@pytest.mark.slow
async def test_one_person_voting_from_two_tabs_on_two_processes_keeps_exact_totals(
    draft, paragraph, make_user, tmp_path
):
    """Four people, each with one tab on each of two Daphne processes, change the same vote
    from both tabs as fast as they are answered: their groups race on the same rows. The
    deferred writes that find a row changed by the other process run again the careful way;
    the tally always equals the rows."""
    users = [await sync_to_async(make_user)(f"tabs{i}") for i in range(4)]
    cookies = [await sync_to_async(session_cookie)(user) for user in users]
    key = str(paragraph.key)
    log = tmp_path / "daphne.log"
    with daphne(
        count=2, log=log, RATE_LIMIT_VOTES="10000", RATE_LIMIT_SOCKET_FRAMES="10000"
    ) as servers:
        tabs = [
            await open_socket(servers[tab], draft.slug, cookie)
            for cookie in cookies
            for tab in (0, 1)
        ]
        for socket in tabs:
            await next_of(socket, "hello")

        async def vote_many(i: int) -> list[str]:
            rng, types = random.Random(i), []
            for n in range(25):
                choice = rng.choice(voting.VOTE_CHOICES)
                request_id = f"{i}-{n}"  # each tab its own
                frame = {"action": "vote", "paragraph": key, "choice": choice}
                await tabs[i].send(json.dumps({**frame, "request_id": request_id}))
                types.append((await answer_to(tabs[i], request_id))["type"])
            return types

        results = await asyncio.gather(*(vote_many(i) for i in range(len(tabs))))
        await asyncio.gather(*(socket.close() for socket in tabs))
    assert {kind for kinds in results for kind in kinds} == {"ack"}
    rows, counts, _rev = await sync_to_async(rows_and_tally)(paragraph)
    assert_tally_counts_rows(rows, counts)
