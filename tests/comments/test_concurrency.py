"""Counts stay exact under concurrency (real threads, real transactions; PostgreSQL in CI pass 2)."""

import random

import pytest

from comments import services
from comments.models import Comment, ParagraphTally, ParagraphVote
from tests.races import run_threads

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 20


def test_twenty_threads_voting_and_changing_votes(draft, paragraph, make_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": 10_000}
    users = [make_user(f"waehler{i}") for i in range(THREADS)]
    last_choice = {}

    def vote(i):
        rng = random.Random(i)
        for _ in range(8):
            choice = rng.choice(["agree", "disagree", "neutral", "none"])
            services.vote_cast(user=users[i], paragraph=paragraph, choice=choice)
            last_choice[i] = choice

    run_threads(vote)
    tally = ParagraphTally.objects.get(paragraph=paragraph)
    expected = {
        c: sum(1 for v in last_choice.values() if v == c) for c in ("agree", "disagree", "neutral")
    }
    assert tally.vote_counts() == expected
    assert ParagraphVote.objects.count() == sum(expected.values())


def test_twenty_threads_commenting_lose_nothing(draft, paragraph, make_user):
    users = [make_user(f"autorin{i}") for i in range(THREADS)]

    def comment(i):
        for n in range(3):
            services.comment_create(user=users[i], paragraph=paragraph, body=f"Kommentar {i}-{n}")

    run_threads(comment)
    assert Comment.objects.count() == THREADS * 3
    assert ParagraphTally.objects.get(paragraph=paragraph).comments == THREADS * 3
    seqs = list(
        __import__("deliberation.models", fromlist=["Event"])
        .Event.objects.filter(type="comment.created")
        .values_list("seq", flat=True)
    )
    assert len(seqs) == THREADS * 3 and len(set(seqs)) == len(seqs), "every event has its own seq"


def test_same_user_voting_in_two_tabs_at_once(draft, paragraph, citizen):
    run_threads(
        lambda i: services.vote_cast(user=citizen, paragraph=paragraph, choice="agree"), count=2
    )
    assert ParagraphVote.objects.count() == 1
    assert ParagraphTally.objects.get(paragraph=paragraph).agree == 1
