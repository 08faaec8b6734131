"""A group commit's votes read together (comments/voting.py `_GroupVotes`, the receipts of
deliberation/idempotency.py): the group's reads in one go change no answer. Each vote is still
answered on its own, a person's later vote in the same group sees their earlier one, a repeat
gets the first answer in the same group or a later one, and the rate limit counts what it
counted before (a refusal before the count takes none). Each test runs with the votes deferred
(written at the group's end, as the draft socket sends them) and written at once (the careful
way, as a group run again goes)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from comments import voting
from comments.models import ParagraphTally, ParagraphVote
from comments.moderation.models import UserBlock
from deliberation.groupcommit import GroupCommit
from deliberation.idempotency import receipt_hint, write_once

pytestmark = [pytest.mark.django_db(transaction=True)]

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


class SocketGroup:
    """A group commit whose writes run deferred or the careful way (`deferred`)."""

    def __init__(self, deferred: bool) -> None:
        self.commit, self.deferred = GroupCommit(), deferred
        self.recent_sizes = self.commit.recent_sizes

    def run(self, write, hints):
        return self.commit.run(write, hints=hints, deferred=self.deferred)


@pytest.fixture(params=[True, False], ids=["deferred", "careful"])
def group(request):
    return SocketGroup(request.param)


def socket_vote(group, user, draft_id, key, choice, request_id=None):
    """What the draft socket does for {"action": "vote", ...}: the write with its hints."""
    what = {"action": "vote", "paragraph": key, "choice": choice}

    def run():
        return write_once(
            user=user,
            request_id=request_id,
            what=what,
            write=lambda: voting.vote_cast_at(user=user, draft_id=draft_id, key=key, choice=choice),
            transactional=True,
        )

    hints = {
        **voting.vote_hint(user=user, draft_id=draft_id, key=key, choice=choice),
        **receipt_hint(user=user, request_id=request_id),
    }
    return group.run(run, hints=hints)


async def together(group, *calls):
    return await asyncio.gather(*calls, return_exceptions=True)


def codes(outcomes):
    return [o.code if isinstance(o, Exception) else o["choice"] for o in outcomes]


async def test_refused_and_accepted_votes_of_one_person_in_one_group(
    group, draft, paragraph, citizen, other_citizen
):
    heading = await sync_to_async(lambda: draft.paragraphs.filter(kind="heading").first())()
    key = str(paragraph.key)
    outcomes = await together(
        group,
        socket_vote(group, citizen, draft.pk, key, "agree"),
        socket_vote(group, citizen, draft.pk, key, "maybe"),  # invalid
        socket_vote(group, citizen, draft.pk, str(heading.key), "agree"),  # invalid: a heading
        socket_vote(group, citizen, draft.pk, UNKNOWN, "agree"),  # not_found
        socket_vote(group, citizen, draft.pk, "no key", "agree"),  # not_found
        socket_vote(group, citizen, draft.pk + 1000, key, "agree"),  # another draft: not_found
        socket_vote(group, citizen, draft.pk, key, "disagree"),  # sees their own "agree"
        socket_vote(group, other_citizen, draft.pk, key, "agree"),
        socket_vote(group, citizen, draft.pk, key, "disagree"),  # unchanged
    )
    assert list(group.recent_sizes) == [9]
    assert codes(outcomes) == [
        *("agree", "invalid", "invalid", "not_found", "not_found", "not_found"),
        *("disagree", "agree", "disagree"),
    ]
    # The unchanged one answers with the totals after the votes before it in the group.
    assert [outcomes[i]["rev"] for i in (0, 6, 7, 8)] == [1, 2, 3, 3]
    assert outcomes[6]["counts"] == {"agree": 0, "disagree": 1, "neutral": 0}
    assert outcomes[7]["counts"] == {"agree": 1, "disagree": 1, "neutral": 0}
    assert outcomes[8]["counts"] == outcomes[7]["counts"]
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    assert (tally.vote_counts(), tally.rev) == ({"agree": 1, "disagree": 1, "neutral": 0}, 3)
    votes = await sync_to_async(
        lambda: dict(ParagraphVote.objects.values_list("user__username", "choice"))
    )()
    assert votes == {"anna": "disagree", other_citizen.username: "agree"}


async def test_a_vote_read_ahead_sees_what_earlier_groups_wrote(group, draft, paragraph, citizen):
    key = str(paragraph.key)
    await socket_vote(group, citizen, draft.pk, key, "agree")
    outcomes = await together(
        group,
        socket_vote(group, citizen, draft.pk, key, "agree"),  # unchanged: read ahead
        socket_vote(group, citizen, draft.pk, key, "none"),
    )
    assert [(o["choice"], o["rev"]) for o in outcomes] == [("agree", 1), ("none", 2)]
    assert await sync_to_async(ParagraphVote.objects.count)() == 0


async def test_a_blocked_person_is_refused_beside_others_accepted(
    group, draft, paragraph, citizen, other_citizen
):
    await sync_to_async(UserBlock.objects.create)(user=citizen, justification="test")
    key = str(paragraph.key)
    outcomes = await together(
        group,
        socket_vote(group, citizen, draft.pk, key, "agree"),
        socket_vote(group, other_citizen, draft.pk, key, "agree"),
    )
    assert codes(outcomes) == ["forbidden", "agree"]
    assert outcomes[1]["rev"] == 1


async def test_repeats_in_the_same_group_and_a_later_one_get_the_first_answer(
    group, draft, paragraph, citizen, other_citizen
):
    key = str(paragraph.key)
    outcomes = await together(
        group,
        socket_vote(group, citizen, draft.pk, key, "agree", request_id="r1"),
        socket_vote(group, other_citizen, draft.pk, key, "neutral", request_id="r1"),
        socket_vote(group, citizen, draft.pk, key, "agree", request_id="r1"),  # repeat
        socket_vote(group, citizen, draft.pk, key, "disagree", request_id="r1"),  # other write
    )
    assert codes(outcomes) == ["agree", "neutral", "agree", "invalid"]
    assert outcomes[2] == outcomes[0]
    later = await together(
        group,
        socket_vote(group, citizen, draft.pk, key, "agree", request_id="r1"),  # repeat, later
        socket_vote(group, citizen, draft.pk, key, "none", request_id="r1"),  # other write
        socket_vote(group, other_citizen, draft.pk, key, "neutral", request_id="r1"),
        socket_vote(group, citizen, draft.pk, key, "none", request_id="r2"),
    )
    assert codes(later) == ["agree", "invalid", "neutral", "none"]
    assert later[0] == outcomes[0] and later[2] == outcomes[1]
    tally = await sync_to_async(ParagraphTally.objects.get)(paragraph=paragraph)
    assert (tally.vote_counts(), tally.rev) == ({"agree": 0, "disagree": 0, "neutral": 1}, 3)


async def test_the_rate_limit_counts_a_group_as_votes_one_by_one(
    group, settings, draft, paragraph, citizen, other_citizen
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": 3}
    key = str(paragraph.key)
    outcomes = await together(
        group,
        socket_vote(group, citizen, draft.pk, UNKNOWN, "agree"),  # refused before it counts
        socket_vote(group, citizen, draft.pk, key, "maybe"),  # refused before it counts
        socket_vote(group, citizen, draft.pk, key, "agree"),
        socket_vote(group, other_citizen, draft.pk, key, "agree"),
        socket_vote(group, citizen, draft.pk, key, "none"),
    )
    assert codes(outcomes) == ["not_found", "invalid", "agree", "agree", "none"]
    minute = timezone.now().second
    outcomes = await together(
        group,
        socket_vote(group, citizen, draft.pk, key, "neutral"),  # the third
        socket_vote(group, citizen, draft.pk, key, "agree"),  # the fourth: refused
        socket_vote(group, other_citizen, draft.pk, key, "none"),
    )
    if timezone.now().second >= minute:  # not across a minute's end (a new window)
        assert codes(outcomes) == ["neutral", "rate_limited", "none"]
