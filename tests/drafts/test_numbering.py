"""The one label for the paragraph a comment cites, in every page and export."""

import pytest
from django.utils import translation

from drafts.numbering import Place, paragraph_numbers, place_label


@pytest.mark.parametrize(
    ("args", "removed", "de", "en"),
    [
        ((8, 3, 8), False, "Absatz 8", "Paragraph 8"),
        (
            (7, 2, 8),
            False,
            "Absatz 7 in Fassung 2, jetzt Absatz 8",
            "Paragraph 7 in version 2, now paragraph 8",
        ),
        (
            (7, 2, None),
            True,
            "Absatz 7 in Fassung 2, gestrichen",
            "Paragraph 7 in version 2, removed",
        ),
        ((None, 2, 4), False, "Absatz 4", "Paragraph 4"),
        ((None, 2, None), True, "entfernter Absatz", "removed paragraph"),
    ],
)
def test_labels(args, removed, de, en):
    with translation.override("de"):
        assert place_label(*args, removed=removed) == de
    with translation.override("en"):
        assert place_label(*args, removed=removed) == en


def test_a_place_knows_whether_its_comment_moved_on():
    place = Place(key="a", version=2, number=7, current_key="b", current_number=8)
    assert place.moved_on and not place.removed
    assert not Place("a", 2, 7, None, None).moved_on
    with translation.override("de"):
        assert place.label == "Absatz 7 in Fassung 2, jetzt Absatz 8"


@pytest.mark.parametrize(
    ("kinds", "numbers"),
    [
        ([], []),
        (["heading", "text", "list", "heading", "text"], [None, 1, 2, None, 3]),
        (["text", None, "quote", "table"], [1, None, 2, 3]),  # None: not in the version
        (["heading", "heading"], [None, None]),
    ],
)
def test_paragraph_numbers_count_what_is_not_a_heading(kinds, numbers):
    assert paragraph_numbers(kinds) == numbers
