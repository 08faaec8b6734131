"""Carrying paragraph keys from one version to the next."""

import itertools
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from drafts.matching import (
    SIMILARITY_THRESHOLD,
    Existing,
    MatchResult,
    match_blocks,
)
from drafts.textmatch import similarity, words

A = "Die Stadt informiert frühzeitig und umfassend über alle geplanten Vorhaben."
B = "Bürgerinnen und Bürger können jederzeit Vorschläge für neue Vorhaben einreichen."
C = "Der Rat entscheidet öffentlich und begründet, wie er Anregungen berücksichtigt hat."
D = "Eine Koordinierungsstelle begleitet jedes Verfahren von der Planung bis zum Bericht."
E = "Die Ergebnisse jeder Beteiligung werden dokumentiert und im Internet veröffentlicht."


def existing(*texts: str) -> list[Existing]:
    return [Existing(f"k{index}", text) for index, text in enumerate(texts)]


def new_keys():
    counter = itertools.count()
    return lambda: f"n{next(counter)}"


def run(old: list[str], new: list[str]) -> MatchResult:
    return match_blocks(existing(*old), new, new_key=new_keys())


def summary(result: MatchResult) -> list[tuple[str, str]]:
    return [(a.key, a.status) for a in result.assignments]


def edit(text: str, old_word: str, new_word: str) -> str:
    assert old_word in text
    return text.replace(old_word, new_word, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected", "archived"),
    [
        pytest.param(
            [A, B, C],
            [A, B, C],
            ["k0 unchanged", "k1 unchanged", "k2 unchanged"],
            [],
            id="unchanged",
        ),
        pytest.param(
            [A, B, C],
            [A, edit(B, "jederzeit", "immer"), C],
            ["k0 unchanged", "k1 changed", "k2 unchanged"],
            [],
            id="edited",
        ),
        pytest.param(
            [A, B, C],
            [C, A, B],
            ["k2 moved", "k0 unchanged", "k1 unchanged"],
            [],
            id="moved to the front",
        ),
        pytest.param(
            [A, B, C],
            [B, C, A],
            ["k1 unchanged", "k2 unchanged", "k0 moved"],
            [],
            id="moved to the end",
        ),
        pytest.param(
            [A, B, C],
            [edit(C, "öffentlich", "offen"), A, B],
            ["k2 moved", "k0 unchanged", "k1 unchanged"],
            [],
            id="moved and edited",
        ),
        pytest.param([A, B, C], [A, C], ["k0 unchanged", "k2 unchanged"], ["k1"], id="deleted"),
        pytest.param(
            [A, B, C],
            [D, A, B, C],
            ["n0 new", "k0 unchanged", "k1 unchanged", "k2 unchanged"],
            [],
            id="inserted at start",
        ),
        pytest.param(
            [A, B, C],
            [A, D, B, C],
            ["k0 unchanged", "n0 new", "k1 unchanged", "k2 unchanged"],
            [],
            id="inserted in the middle",
        ),
        pytest.param(
            [A, B, C],
            [A, B, C, D],
            ["k0 unchanged", "k1 unchanged", "k2 unchanged", "n0 new"],
            [],
            id="inserted at end",
        ),
        pytest.param(
            [A, B, C],
            [A, D, C],
            ["k0 unchanged", "n0 new", "k2 unchanged"],
            ["k1"],
            id="replaced by an unrelated paragraph",
        ),
        pytest.param([], [A, B], ["n0 new", "n1 new"], [], id="empty old"),
        pytest.param([A, B], [], [], ["k0", "k1"], id="empty new"),
        pytest.param([], [], [], [], id="both empty"),
        pytest.param(
            [A, A, B],
            [A, A, B],
            ["k0 unchanged", "k1 unchanged", "k2 unchanged"],
            [],
            id="duplicates stay in order",
        ),
        pytest.param(
            [A, A, B],
            [A, B],
            ["k0 unchanged", "k2 unchanged"],
            ["k1"],
            id="one of two duplicates removed",
        ),
        pytest.param(
            [A, B], [A, A, B], ["k0 unchanged", "n0 new", "k1 unchanged"], [], id="duplicate added"
        ),
        pytest.param(
            [A, B, C, D, E],
            [A, D, E, B, C],
            ["k0 unchanged", "k3 unchanged", "k4 unchanged", "k1 moved", "k2 moved"],
            [],
            id="the smaller group moved",
        ),
    ],
)
def test_statuses(old, new, expected, archived):
    result = run(old, new)
    assert [f"{key} {status}" for key, status in summary(result)] == expected
    assert result.archived == archived


def test_similarity_is_reported():
    result = run([A, B], [A, edit(B, "jederzeit", "immer")])
    unchanged, changed = result.assignments
    assert unchanged.similarity == 1.0
    assert SIMILARITY_THRESHOLD <= changed.similarity < 1.0
    assert run([], [A]).assignments[0].similarity == 0.0


def test_split_paragraph_keeps_key_on_the_more_similar_part():
    long_part = "Die Stadt informiert frühzeitig und umfassend über alle geplanten"
    result = run([A, B], [long_part, "Vorhaben.", B])
    assert summary(result) == [("k0", "changed"), ("n0", "new"), ("k1", "unchanged")]


def test_split_in_two_halves_keeps_key_on_the_first_of_equals():
    text = "eins zwei drei vier fünf sechs sieben acht"
    result = run([text], ["eins zwei drei vier", "fünf sechs sieben acht"])
    assert summary(result) == [("k0", "changed"), ("n0", "new")]


def test_merged_paragraphs_keep_the_key_of_the_larger_part():
    short = "Kurz und knapp gesagt."
    result = run([short, B], [f"{short} {B}"])
    assert summary(result) == [("k1", "changed")]
    assert result.archived == ["k0"]


def test_heavily_rewritten_paragraph_gets_a_new_key():
    rewritten = "Vorhaben werden künftig in einer Liste gesammelt, die jeder einsehen kann."
    result = run([A], [rewritten])
    assert summary(result) == [("n0", "new")]
    assert result.archived == ["k0"]


def test_renumbered_heading_keeps_its_key():
    result = run(["3.2 Formate", A], ["3.3 Formate", A])
    assert summary(result) == [("k0", "changed"), ("k1", "unchanged")]


def test_swapped_and_edited_paragraphs_keep_their_keys():
    new = [edit(B, "neue", "weitere"), edit(A, "umfassend", "vollständig")]
    result = run([A, B], new)
    assert sorted(key for key, _ in summary(result)) == ["k0", "k1"]
    assert sorted(status for _, status in summary(result)) == ["changed", "moved"]


def test_all_edited_and_last_one_moved_to_front():
    old = [A, B, C, D, E]
    new = [E] + [text.replace(".", ", sagt der Rat.") for text in (A, B, C, D)]
    result = run(old, new)
    assert summary(result) == [
        ("k4", "moved"),
        ("k0", "changed"),
        ("k1", "changed"),
        ("k2", "changed"),
        ("k3", "changed"),
    ]


def test_each_key_is_used_once():
    result = run([A, B], [A, A, edit(A, "Stadt", "Gemeinde"), B, B])
    keys = [a.key for a in result.assignments]
    assert len(keys) == len(set(keys))


def test_keys_must_be_distinct():
    with pytest.raises(ValueError):
        match_blocks([Existing("k", A), Existing("k", B)], [A])


def test_default_new_keys_are_uuids():
    [assignment] = match_blocks([], [A]).assignments
    assert len(assignment.key) == 36 and assignment.key.count("-") == 4


def test_texts_without_words_are_never_similar():
    result = run(["---", "***"], ["—", "***"])
    assert summary(result) == [("n0", "new"), ("k1", "unchanged")]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("eins zwei drei vier", "eins zwei drei vier", 1.0),
        ("eins zwei drei vier", "Eins, zwei; drei! Vier?", 1.0),
        ("eins zwei drei vier", "eins zwei drei fünf", 0.75),
        ("eins zwei", "drei vier", 0.0),
        ("", "eins", 0.0),
    ],
)
def test_similarity(a, b, expected):
    assert similarity(words(a), words(b)) == pytest.approx(expected)


def test_words_are_casefolded_unicode_words():
    assert words("Straße, ÄRGER & 3.2 Öl") == ["strasse", "ärger", "3", "2", "öl"]


def test_three_hundred_paragraphs_compare_only_the_changed_ones(monkeypatch):
    # Counts the full comparisons instead of timing them (no clock in the suite: a loaded CI
    # machine makes any time bound flaky); the speed itself is measured by bench/split_match.py.
    # A quadratic blowup would compare every changed paragraph with every free one.
    from difflib import SequenceMatcher

    from drafts import textmatch

    comparisons = 0

    class CountingMatcher(SequenceMatcher):
        def ratio(self):
            nonlocal comparisons
            comparisons += 1
            return super().ratio()

    monkeypatch.setattr(textmatch, "SequenceMatcher", CountingMatcher)
    rng = random.Random(3)
    vocabulary = [f"wort{n}" for n in range(3000)] + ["die", "der", "und"] * 100
    old = [" ".join(rng.choices(vocabulary, k=rng.randint(40, 120))) for _ in range(300)]
    new = [
        " ".join(rng.choice(vocabulary) if rng.random() < 0.05 else w for w in text.split())
        if rng.random() < 0.2
        else text
        for text in old
    ]
    changed = sum(a != b for a, b in zip(old, new, strict=True))
    result = run(old, new)
    assert [a.key for a in result.assignments] == [f"k{n}" for n in range(300)]
    assert comparisons <= 2 * changed, (comparisons, changed)


# --- properties -----------------------------------------------------------------------------

_WORDS = (
    "die der und stadt rat bürger verwaltung beteiligung verfahren vorhaben information "
    "anhörung leitlinien arbeitsgruppe stadtteil quartier planung entscheidung ergebnis "
    "vorschlag hinweis frühzeitig transparent verbindlich öffentlich digital barrierefrei "
    "verständlich rechtzeitig jugend senioren vereine initiativen beirat haushalt projekt "
    "konzept prozess dialog werkstatt versammlung befragung plattform rückmeldung frist"
)
VOCABULARY = _WORDS.split()

sentences = st.lists(st.sampled_from(VOCABULARY), min_size=8, max_size=30).map(
    lambda tokens: " ".join(tokens).capitalize() + "."
)
# Paragraphs of a draft are distinct: the same paragraph twice is a different (degenerate) case.
drafts = st.lists(sentences, min_size=1, max_size=25, unique=True)


def assert_consistent(result: MatchResult, old: list[str], new: list[str]) -> None:
    keys = [a.key for a in result.assignments]
    assert len(keys) == len(new)
    assert len(set(keys)) == len(keys)
    old_keys = {f"k{n}" for n in range(len(old))}
    kept = {key for key in keys if key in old_keys}
    assert sorted(kept | set(result.archived)) == sorted(old_keys)
    assert not kept & set(result.archived)


@settings(max_examples=60, deadline=None)
@given(drafts)
def test_unchanged_text_keeps_every_key(old):
    result = run(old, list(old))
    assert summary(result) == [(f"k{n}", "unchanged") for n in range(len(old))]
    assert result.archived == []


@settings(max_examples=60, deadline=None)
@given(drafts, st.data())
def test_editing_one_word_keeps_every_key(old, data):
    index = data.draw(st.integers(0, len(old) - 1), label="paragraph")
    tokens = old[index].split(" ")
    position = data.draw(st.integers(0, len(tokens) - 1), label="word")
    replacement = data.draw(st.sampled_from([*VOCABULARY, "neu", "geändert"]), label="new word")
    tokens[position] = replacement
    new = list(old)
    new[index] = " ".join(tokens)
    assume(new[index] not in old)  # an edit that recreates another paragraph is no edit
    result = run(old, new)
    assert_consistent(result, old, new)
    assert [a.key for a in result.assignments] == [f"k{n}" for n in range(len(old))]
    assert result.assignments[index].status == "changed"


@settings(max_examples=60, deadline=None)
@given(drafts, st.data())
def test_editing_one_word_in_every_paragraph_keeps_every_key(old, data):
    new = []
    for text in old:
        tokens = text.split(" ")
        position = data.draw(st.integers(0, len(tokens) - 1), label="word")
        tokens[position] = data.draw(st.sampled_from(["neu", "geändert", "anders"]), "new word")
        new.append(" ".join(tokens))
    assume(len(set(new)) == len(new))
    result = run(old, new)
    assert_consistent(result, old, new)
    assert [a.key for a in result.assignments] == [f"k{n}" for n in range(len(old))]


@settings(max_examples=60, deadline=None)
@given(drafts, st.data())
def test_reordering_sections_keeps_every_key(old, data):
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(old) - 1)), max_size=4), "cuts"))
    bounds = [0, *cuts, len(old)]
    sections = [old[start:end] for start, end in itertools.pairwise(bounds) if start < end]
    order = data.draw(st.permutations(range(len(sections))), label="order")
    new = [paragraph for index in order for paragraph in sections[index]]
    result = run(old, new)
    assert_consistent(result, old, new)
    key_of = {text: f"k{n}" for n, text in enumerate(old)}
    assert [a.key for a in result.assignments] == [key_of[text] for text in new]
    assert {a.status for a in result.assignments} <= {"unchanged", "moved"}
    if list(order) == sorted(order):
        assert {a.status for a in result.assignments} == {"unchanged"}


@settings(max_examples=60, deadline=None)
@given(drafts, sentences, st.data())
def test_inserting_a_paragraph_changes_no_other_key(old, inserted, data):
    assume(inserted not in old)
    position = data.draw(st.integers(0, len(old)), label="position")
    new = [*old[:position], inserted, *old[position:]]
    result = run(old, new)
    assert_consistent(result, old, new)
    others = [a for n, a in enumerate(result.assignments) if n != position]
    assert [(a.key, a.status) for a in others] == [(f"k{n}", "unchanged") for n in range(len(old))]
    # The new paragraph may continue nothing: every old key is taken already.
    assert result.assignments[position].status == "new"


@settings(max_examples=60, deadline=None)
@given(drafts, drafts)
def test_any_two_versions_give_a_consistent_result(old, new):
    assert_consistent(run(old, new), old, new)
