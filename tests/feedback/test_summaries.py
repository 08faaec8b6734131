"""The working group's figures on plain numbers: no database."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comments.feedback.summaries import (
    Pseudonyms,
    Tally,
    approval_share,
    bar_chart,
    controversy_ranking,
    controversy_score,
    fill_days,
    nice_maximum,
    percent,
    stacked_bar,
    stacked_rows,
    tally_sum,
)

votes = st.integers(min_value=0, max_value=10_000)


@pytest.mark.parametrize(
    ("agree", "disagree", "neutral", "score"),
    [
        (0, 0, 0, 0.0),
        (0, 0, 7, 0.0),  # only neutral votes: nobody disputes anything
        (10, 0, 0, 0.0),  # unanimous
        (0, 10, 0, 0.0),
        (5, 5, 0, 10.0),  # an even split keeps every vote
        (50, 50, 0, 100.0),
        (6, 4, 0, 8.0),  # 10 × (1 − 2/10)
        (6, 4, 10, 16.0),  # neutral votes add weight: 20 × 0.8
        (1, 1, 0, 2.0),
    ],
)
def test_controversy_score(agree, disagree, neutral, score):
    assert controversy_score(agree, disagree, neutral) == pytest.approx(score)


@given(votes, votes, votes)
def test_score_lies_between_zero_and_all_votes_and_ignores_sides(agree, disagree, neutral):
    score = controversy_score(agree, disagree, neutral)
    assert 0 <= score <= agree + disagree + neutral
    assert score == pytest.approx(controversy_score(disagree, agree, neutral))


@given(st.integers(min_value=1, max_value=5000), votes)
def test_an_even_split_scores_all_votes_and_more_votes_score_more(n, neutral):
    assert controversy_score(n, n, neutral) == pytest.approx(2 * n + neutral)
    assert controversy_score(n + 1, n + 1, neutral) > controversy_score(n, n, neutral)


@pytest.mark.parametrize(
    ("agree", "disagree", "neutral", "share", "shown"),
    [
        (0, 0, 0, None, "–"),
        (3, 1, 0, 0.75, "75 %"),
        (1, 1, 2, 0.25, "25 %"),
        (2, 1, 0, 2 / 3, "67 %"),
    ],
)
def test_approval_share(agree, disagree, neutral, share, shown):
    assert approval_share(agree, disagree, neutral) == (
        pytest.approx(share) if share is not None else None
    )
    assert percent(approval_share(agree, disagree, neutral)) == shown


def test_ranking_puts_close_and_busy_paragraphs_first_and_leaves_out_undisputed_ones():
    tallies = [
        Tally(key="unanimous", position=0, agree=90),
        Tally(key="small-even", position=1, agree=3, disagree=3),
        Tally(key="big-close", position=2, agree=40, disagree=30),  # 70 × 6/7 = 60
        Tally(key="big-even", position=3, agree=30, disagree=30),  # 60
        Tally(key="silent", position=4),
        Tally(key="neutral-heavy", position=5, agree=2, disagree=1, neutral=60),  # 63 × 2/3 = 42
    ]
    ranked = [t.key for t in controversy_ranking(tallies)]
    # Equal scores: more votes first (70 > 60).
    assert ranked == ["big-close", "big-even", "neutral-heavy", "small-even"]
    assert [t.key for t in controversy_ranking(tallies, limit=2)] == ["big-close", "big-even"]


def test_equal_score_and_votes_keep_the_order_of_the_text():
    tallies = [
        Tally(key="b", position=2, agree=1, disagree=1),
        Tally(key="a", position=1, agree=1, disagree=1),
    ]
    assert [t.key for t in controversy_ranking(tallies)] == ["a", "b"]


def test_tally_sum_adds_counts_but_not_authors():
    total = tally_sum(
        [
            Tally(published=2, pending=1, authors=2, agree=3, unanswered=1, drafts=1),
            Tally(published=1, rejected=2, authors=1, disagree=1, neutral=1),
        ]
    )
    assert (total.published, total.pending, total.rejected, total.comments) == (3, 1, 2, 6)
    assert (total.votes, total.unanswered, total.drafts, total.answered) == (5, 1, 1, 1)
    assert total.authors == 0, "people write on several paragraphs: authors are counted apart"


def test_fill_days_adds_quiet_days():
    counts = {date(2026, 3, 1): 2, date(2026, 3, 4): 1}
    assert fill_days(counts) == [
        (date(2026, 3, 1), 2),
        (date(2026, 3, 2), 0),
        (date(2026, 3, 3), 0),
        (date(2026, 3, 4), 1),
    ]
    assert fill_days(counts, until=date(2026, 3, 5))[-1] == (date(2026, 3, 5), 0)
    assert fill_days({}) == []


@pytest.mark.parametrize(
    ("value", "maximum"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (51, 100), (1999, 2000)],
)
def test_nice_maximum(value, maximum):
    assert nice_maximum(value) == maximum


def test_bar_chart_scales_bars_to_the_rounded_maximum():
    chart = bar_chart([("a", 10), ("b", 5), ("c", 0)], width=340, height=138)
    plot = chart.plot_bottom - chart.plot_top
    assert chart.maximum == 10 and chart.total == 15
    assert [b.height for b in chart.bars] == [plot, plot / 2, 0]
    assert all(b.y + b.height == pytest.approx(chart.plot_bottom) for b in chart.bars)
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x
    assert [value for value, _y in chart.ticks] == [0, 5, 10]


def test_bar_chart_labels_at_most_max_labels_bars():
    chart = bar_chart([(str(i), i) for i in range(40)], max_labels=10)
    assert sum(b.show_label for b in chart.bars) <= 10
    assert chart.bars[0].show_label


@given(st.lists(votes, min_size=1, max_size=5))
def test_stacked_segments_fill_the_bar_when_there_are_votes(values):
    segments = stacked_bar([(str(i), v) for i, v in enumerate(values)], x=10, width=300)
    if sum(values):
        assert sum(s.width for s in segments) == pytest.approx(300, abs=0.05)
        assert segments[0].x == 10
    else:
        assert all(s.width == 0 for s in segments)


def test_stacked_rows_one_row_each():
    chart = stacked_rows(
        [("Absatz 1", [("agree", 3), ("disagree", 1)]), ("Absatz 2", [("agree", 0)])]
    )
    assert [r.total for r in chart.rows] == [4, 0]
    assert chart.rows[1].y > chart.rows[0].y
    assert chart.rows[0].segments[0].width == pytest.approx(3 * chart.rows[0].segments[1].width)


def test_pseudonyms_are_stable_within_one_export_and_numbered_by_first_appearance():
    names = Pseudonyms(lambda n: f"Teilnehmer {n}")
    assert [names(p) for p in ["x", "y", "x", "z", "y"]] == [
        "Teilnehmer 1",
        "Teilnehmer 2",
        "Teilnehmer 1",
        "Teilnehmer 3",
        "Teilnehmer 2",
    ]
    assert names(None) == ""
    assert Pseudonyms(lambda n: f"T{n}")("z") == "T1", "a new export numbers afresh"
