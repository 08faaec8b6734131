"""Comparing versions paragraph by paragraph and texts word by word."""

import re

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drafts.diffing import DraftDiff, Entry, Side, diff_versions, word_diff_html

DEL = '<del><span class="visually-hidden">deleted: </span>'
INS = '<ins><span class="visually-hidden">inserted: </span>'


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sides(spec: str) -> list[Side]:
    """Build sides from "a b:neu c": key, optionally ":" and a text suffix."""
    result = []
    for position, item in enumerate(spec.split()):
        key, _, change = item.partition(":")
        text = f"Absatz {key.upper()} der Leitlinien" + (f" {change}" if change else "")
        result.append(Side(key=key, position=position, text=text, html=f"<p>{text}</p>"))
    return result


def statuses(diff: DraftDiff) -> list[str]:
    return [f"{entry.key} {entry.status}" for entry in diff.entries]


# --- word_diff_html -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("gleich", "gleich", "gleich"),
        ("", "", ""),
        ("", "neu", f"{INS}neu</ins>"),
        ("alt", "", f"{DEL}alt</del>"),
        ("a b c", "a x c", f"a {DEL}b</del>{INS}x</ins> c"),
        ("a c", "a b c", f"a {INS}b</ins> c"),
        ("a b c", "a c", f"a {DEL}b</del> c"),
        ("a b", "a", f"a {DEL}b</del>"),
        ("a", "a b", f"a {INS}b</ins>"),
        ("b c", "a b c", f"{INS}a</ins> b c"),
        ("eins zwei drei", "uno dos tres", f"{DEL}eins zwei drei</del>{INS}uno dos tres</ins>"),
        ("Ende.", "Ende!", f"Ende{DEL}.</del>{INS}!</ins>"),
        ("früh", "rechtzeitig", f"{DEL}früh</del>{INS}rechtzeitig</ins>"),
        ("Bürger", "Bürgerinnen", f"{DEL}Bürger</del>{INS}Bürgerinnen</ins>"),
        ("a  b", "a b", "a b"),
    ],
)
def test_word_diff(old, new, expected):
    assert word_diff_html(old, new) == expected


def test_word_diff_escapes_everything():
    result = word_diff_html("Text <script>alert(1)</script> & mehr", 'Text <img src=x> & "mehr"')
    tags = set(re.findall(r"<(/?[a-z]+)", result))
    assert tags <= {"del", "/del", "ins", "/ins", "span", "/span"}
    assert "&lt;" in result and "&gt;" in result and "&amp;" in result and "&quot;" in result


def test_word_diff_labels_are_translated():
    with translation.override("de"):
        result = word_diff_html("alt", "neu")
    assert "deleted:" not in result and "inserted:" not in result
    assert result.startswith('<del><span class="visually-hidden">')


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
@example(old=":\r1", new=":0")  # the old text's space showed between ":" and the new word
def test_word_diff_shows_the_new_text(old, new):
    result = word_diff_html(old, new)
    without_deleted = re.sub(r"<del>.*?</del>", "", result, flags=re.DOTALL)
    visible = re.sub(r'<span class="visually-hidden">[^<]*</span>|</?ins>', "", without_deleted)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'")):
        visible = visible.replace(entity, char)
    assert visible.replace("&amp;", "&").split() == new.split()


# --- diff_versions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a b c", "a b c", ["a unchanged", "b unchanged", "c unchanged"]),
        ("a b c", "a b:neu c", ["a unchanged", "b changed", "c unchanged"]),
        ("a b c", "a c", ["a unchanged", "b removed", "c unchanged"]),
        ("a b c", "b c", ["a removed", "b unchanged", "c unchanged"]),
        ("a b c", "a b", ["a unchanged", "b unchanged", "c removed"]),
        ("a b c", "x a b c", ["x added", "a unchanged", "b unchanged", "c unchanged"]),
        ("a b c", "a x b c", ["a unchanged", "x added", "b unchanged", "c unchanged"]),
        ("a b c", "a b c x", ["a unchanged", "b unchanged", "c unchanged", "x added"]),
        ("a b c", "c a b", ["c moved", "a unchanged", "b unchanged"]),
        ("a b c", "c:neu a b", ["c moved", "a unchanged", "b unchanged"]),
        ("a b c d", "a x d", ["a unchanged", "b removed", "c removed", "x added", "d unchanged"]),
        ("a b c d", "d c", ["a removed", "b removed", "d moved", "c unchanged"]),
        ("", "a", ["a added"]),
        ("a", "", ["a removed"]),
        ("", "", []),
    ],
)
def test_statuses_and_order(old, new, expected):
    assert statuses(diff_versions(sides(old), sides(new))) == expected


def test_removed_ones_follow_their_old_predecessor_even_if_it_moved():
    diff = diff_versions(sides("a b c d"), sides("b c a"))
    assert statuses(diff) == ["b unchanged", "c unchanged", "d removed", "a moved"]


def test_changed_entry_carries_both_sides_and_a_word_diff():
    [entry] = diff_versions(sides("a"), sides("a:neu")).entries
    assert entry == Entry(
        key="a",
        status="changed",
        old=sides("a")[0],
        new=sides("a:neu")[0],
        diff_html=f"Absatz A der Leitlinien {INS}neu</ins>",
    )


def test_moved_and_changed_has_a_diff_moved_only_has_none():
    moved_and_changed = diff_versions(sides("a b c d"), sides("d:neu a b c")).entries[0]
    assert moved_and_changed.status == "moved" and INS in moved_and_changed.diff_html
    moved = diff_versions(sides("a b c d"), sides("d a b c")).entries[0]
    assert (moved.key, moved.status, moved.diff_html) == ("d", "moved", "")


def test_unchanged_added_and_removed_have_no_diff():
    diff = diff_versions(sides("a b"), sides("a c"))
    assert [entry.diff_html for entry in diff.entries] == ["", "", ""]
    added = next(entry for entry in diff.entries if entry.status == "added")
    removed = next(entry for entry in diff.entries if entry.status == "removed")
    assert (added.old, removed.new) == (None, None)


def test_positions_decide_the_order_not_the_sequence():
    old = sides("a b")
    new = list(reversed(sides("a b")))
    assert statuses(diff_versions(old, new)) == ["a unchanged", "b unchanged"]


def test_keys_must_be_distinct():
    duplicate = [Side("a", 0, "x", ""), Side("a", 1, "y", "")]
    with pytest.raises(ValueError):
        diff_versions(duplicate, [])
    with pytest.raises(ValueError):
        diff_versions([], duplicate)


def test_text_with_markup_characters_is_escaped_in_the_diff():
    old = [Side("a", 0, "Vorher <b>", "")]
    new = [Side("a", 0, "Nachher <script>alert(1)</script>", "")]
    [entry] = diff_versions(old, new).entries
    assert "<script" not in entry.diff_html and "<b>" not in entry.diff_html
    assert "&lt;" in entry.diff_html


# --- counts and summary ---------------------------------------------------------------------


def test_counts():
    diff = diff_versions(sides("a b c d e"), sides("e a:neu c x y"))
    assert (diff.changed, diff.added, diff.removed, diff.moved) == (1, 2, 2, 1)


@pytest.mark.parametrize(
    ("old", "new", "summary"),
    [
        ("a b", "a b", "No changes"),
        ("a b", "a:neu b", "1 changed"),
        ("a b c", "a:x b:y c:z", "3 changed"),
        ("a", "a x", "1 new"),
        ("a", "a x y", "2 new"),
        ("a b", "a", "1 removed"),
        ("a b c", "c a b", "1 moved"),
        ("a b c d e", "e a:neu c x y", "1 changed, 2 new, 2 removed, 1 moved"),
    ],
)
def test_summary(old, new, summary):
    assert diff_versions(sides(old), sides(new)).summary() == summary


def test_summary_in_german():
    diff = diff_versions(sides("a b"), sides("a:neu"))
    with translation.override("de"):
        assert diff.summary() != "1 changed, 1 removed"
        assert "1" in diff.summary()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True),
    st.lists(st.sampled_from("abcdefghxyz"), unique=True),
)
def test_every_paragraph_appears_once(old_keys, new_keys):
    diff = diff_versions(sides(" ".join(old_keys)), sides(" ".join(new_keys)))
    assert sorted(entry.key for entry in diff.entries) == sorted(set(old_keys) | set(new_keys))
    assert [e.key for e in diff.entries if e.new] == new_keys
    common = [key for key in new_keys if key in old_keys]
    moved = [e.key for e in diff.entries if e.status == "moved"]
    if not moved:
        assert [e.key for e in diff.entries if e.status == "removed"] == [
            key for key in old_keys if key not in new_keys
        ]
    # What did not move is in the old order.
    still = [key for key in common if key not in moved]
    assert still == [key for key in old_keys if key in still]
    assert diff.added + diff.removed + diff.moved + diff.changed == sum(
        1 for e in diff.entries if e.status != "unchanged"
    )
