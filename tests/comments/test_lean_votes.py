"""The lean vote write (comments/voting.py) and its one-write receipt: few statements, exact
totals, one vote per person even from two tabs at once (the races run on PostgreSQL)."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import voting
from comments.models import ParagraphTally, ParagraphVote
from deliberation.errors import ActionRefused
from deliberation.idempotency import write_once
from deliberation.models import WriteReceipt
from tests.races import at_once, postgresql_only

CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def frame_vote(user, paragraph, choice, request_id):
    """What the draft socket does for {"action": "vote", ...} with a request id."""
    return write_once(
        user=user,
        request_id=request_id,
        what={"action": "vote", "paragraph": str(paragraph.key), "choice": choice},
        write=lambda: voting.vote_cast_at(
            user=user, draft_id=paragraph.draft_id, key=str(paragraph.key), choice=choice
        ),
        transactional=True,
    )


def statements(function) -> list[str]:
    """The SQL statements `function` runs, without transaction control."""
    with CaptureQueriesContext(connection) as captured:
        function()
    return [q["sql"] for q in captured if not q["sql"].upper().startswith(CONTROL)]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


@pytest.mark.django_db
def test_a_vote_costs_five_statements_with_its_receipt_and_a_repeat_one(paragraph, citizen):
    frame_vote(citizen, paragraph, "agree", "warm-up")  # the tally row exists from here on
    changing = statements(lambda: frame_vote(citizen, paragraph, "disagree", "v-1"))
    # receipt read, joined read, the vote's UPDATE, the tally's UPDATE … RETURNING, receipt INSERT
    assert len(changing) == 5, changing
    assert sum(sql.startswith("UPDATE") and "RETURNING" in sql for sql in changing) == 1
    unchanged = statements(lambda: frame_vote(citizen, paragraph, "disagree", "v-2"))
    assert len(unchanged) == 3, unchanged  # receipt read, joined read, receipt INSERT
    repeat = statements(lambda: frame_vote(citizen, paragraph, "disagree", "v-1"))
    assert len(repeat) == 1, repeat  # the receipt's answer
    assert WriteReceipt.objects.filter(user=citizen).count() == 3


@pytest.mark.django_db
def test_a_repeat_gets_the_first_answer_even_after_other_votes(paragraph, citizen, other_citizen):
    first = frame_vote(citizen, paragraph, "agree", "r-1")
    frame_vote(citizen, paragraph, "neutral", "r-2")
    frame_vote(other_citizen, paragraph, "agree", "r-1")  # another person's ids are their own
    assert frame_vote(citizen, paragraph, "agree", "r-1") == first
    assert ParagraphVote.objects.get(user=citizen).choice == "neutral"  # not carried out again
    tally = ParagraphTally.objects.get(paragraph=paragraph)
    assert tally.vote_counts() == {"agree": 1, "disagree": 0, "neutral": 1}
    with pytest.raises(ActionRefused) as refused:
        frame_vote(citizen, paragraph, "disagree", "r-1")
    assert refused.value.code == "invalid"


@pytest.mark.django_db
def test_a_refused_vote_stores_no_receipt_and_an_expired_one_is_a_new_write(
    draft, paragraph, citizen
):
    heading = draft.paragraphs.filter(kind="heading").first()
    with pytest.raises(ActionRefused):
        frame_vote(citizen, heading, "agree", "x")
    assert not WriteReceipt.objects.exists()
    frame_vote(citizen, paragraph, "agree", "x")  # the same id, now for a write that succeeds
    frame_vote(citizen, paragraph, "none", "y")
    WriteReceipt.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert frame_vote(citizen, paragraph, "agree", "x")["counts"]["agree"] == 1
    assert WriteReceipt.objects.filter(user=citizen).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["kein-schlüssel", "00000000-0000-0000-0000-000000000000"])
def test_a_key_that_names_no_paragraph_is_not_found(draft, citizen, key):
    with pytest.raises(ActionRefused) as refused:
        voting.vote_cast_at(user=citizen, draft_id=draft.pk, key=key, choice="agree")
    assert refused.value.code == "not_found"


@pytest.mark.django_db
def test_a_paragraph_of_another_draft_is_not_found(make_draft, paragraph, citizen):
    other = make_draft(slug="andere")
    with pytest.raises(ActionRefused) as refused:
        voting.vote_cast_at(user=citizen, draft_id=other.pk, key=str(paragraph.key), choice="agree")
    assert refused.value.code == "not_found"


@pytest.mark.django_db
def test_many_changes_keep_exact_totals_and_a_growing_rev(paragraph, make_user):
    users = [make_user(f"w{i}") for i in range(6)]
    rng, last, revs = random.Random(3), {}, []
    for n in range(120):
        i = rng.randrange(len(users))
        choice = rng.choice(voting.VOTE_CHOICES)
        revs.append(frame_vote(users[i], paragraph, choice, f"r{n}")["rev"])
        last[i] = choice
    assert revs == sorted(revs)
    expected = {c: sum(v == c for v in last.values()) for c in ("agree", "disagree", "neutral")}
    assert ParagraphTally.objects.get(paragraph=paragraph).vote_counts() == expected
    assert ParagraphVote.objects.count() == sum(expected.values())


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_the_same_frame_from_two_tabs_at_once_is_one_vote_and_one_answer(
    paragraph, citizen, attempt
):
    answers = []
    outcomes = at_once(
        *(
            lambda: answers.append(frame_vote(citizen, paragraph, "agree", "both-tabs"))
            for _ in range(4)
        )
    )
    assert outcomes == ["ok"] * 4
    assert all(answer == answers[0] for answer in answers), answers
    tally = ParagraphTally.objects.get(paragraph=paragraph)
    assert (tally.vote_counts(), tally.rev) == ({"agree": 1, "disagree": 0, "neutral": 0}, 1)
    assert WriteReceipt.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_one_person_changing_a_vote_from_two_tabs_at_once_stays_exact(
    paragraph, citizen, other_citizen, attempt
):
    frame_vote(other_citizen, paragraph, "neutral", "other")
    frame_vote(citizen, paragraph, "agree", "start")
    choices = ("disagree", "none", "neutral", "agree")
    outcomes = at_once(
        *(
            lambda n=n, choice=choice: frame_vote(citizen, paragraph, choice, f"tab-{n}")
            for n, choice in enumerate(choices)
        )
    )
    assert outcomes == ["ok"] * 4
    mine = ParagraphVote.objects.filter(user=citizen).values_list("choice", flat=True).first()
    expected = {"agree": 0, "disagree": 0, "neutral": 1}
    if mine is not None:
        expected[mine] += 1
    tally = ParagraphTally.objects.get(paragraph=paragraph)
    assert tally.vote_counts() == expected
    assert ParagraphVote.objects.count() == sum(expected.values())
