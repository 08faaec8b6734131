"""Finding a quoted passage again: pure, no database."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from drafts.anchoring import Anchor, Quote, locate, quote_from, selector, sentences

TEXT = "Der Rat tagt öffentlich. Der Rat beschließt im Rathaus. Der Beirat berät."


def found(text: str, anchor: Anchor | None) -> str | None:
    return text[anchor.start : anchor.end] if anchor else None


@pytest.mark.parametrize(
    ("exact", "prefix", "suffix", "start"),
    [
        ("Der Rat", "", " tagt", 0),
        ("Der Rat", "öffentlich. ", " beschließt", 25),  # the second of two: by its context
        ("Rat", "Der ", " beschließt", 29),
        ("Rathaus", "im ", ".", 47),
    ],
)
def test_a_new_quote_is_found_where_its_context_says(exact, prefix, suffix, start):
    anchor = quote_from(text=TEXT, exact=exact, prefix=prefix, suffix=suffix)
    assert anchor == Anchor(start, start + len(exact))


@pytest.mark.parametrize(
    "exact", ["", "   ", "Der Bürgermeister", "rat tagt", "tagt  öffentlich und"]
)
def test_a_passage_the_paragraph_does_not_contain_is_not_found(exact):
    assert quote_from(text=TEXT, exact=exact) is None


def test_whitespace_of_a_browser_selection_is_collapsed():
    anchor = quote_from(text=TEXT, exact=" Rat\n  tagt\töffentlich ")
    assert found(TEXT, anchor) == "Rat tagt öffentlich"


def test_selector_takes_32_characters_of_context():
    quote = selector(TEXT, Anchor(44, 55))
    assert quote == Quote("im Rathaus.", TEXT[12:44], " Der Beirat berät.")


@pytest.mark.parametrize(
    ("new_text", "quote", "expected"),
    [
        # unchanged words in a changed paragraph
        (
            "Neu: Der Rat beschließt im Rathaus.",
            Quote("Rat beschließt", "Der ", " im"),
            "Rat beschließt",
        ),
        # of two occurrences, the one in the old surroundings
        (
            "Der Rat beschließt vorab. Später: Der Rat beschließt im Rathaus.",
            Quote("Rat beschließt", "Der ", " im Rathaus"),
            "Rat beschließt",
        ),
        # case and typographic quotes changed
        (
            "Die „Stadt“ informiert.",
            Quote('die "Stadt" informiert', "", "."),
            "Die „Stadt“ informiert",
        ),
        # a word inserted into a long passage: fuzzy, on the same words
        (
            "Die Stadt informiert alle Bürger frühzeitig über Vorhaben.",
            Quote("Stadt informiert Bürger frühzeitig über Vorhaben", "Die ", "."),
            "Stadt informiert alle Bürger frühzeitig über Vorhaben",
        ),
        # a whole-word quote does not land inside another word
        ("Der Beirat tagt im Rathaus.", Quote("Rat", "Der ", " tagt"), None),
        # one changed word of a one-word quote: changed, not fuzzily found
        ("Der Rat tagt nichtöffentlich.", Quote("öffentlich", "tagt ", "."), None),
        # the words are gone
        ("Eine ganz andere Regel gilt.", Quote("Rat beschließt im Rathaus", "Der ", "."), None),
    ],
)
def test_locate_in_a_new_version(new_text, quote, expected):
    assert found(new_text, locate(new_text, quote)) == expected


def test_the_old_position_breaks_a_tie():
    text = "ja, ja, ja"
    assert locate(text, Quote("ja"), hint=8) == Anchor(8, 10)
    assert locate(text, Quote("ja"), hint=4) == Anchor(4, 6)


def test_sentences_of_a_paragraph():
    text = (
        "Die Stadt informiert z. B. früh. Sie beteiligt „alle“! Wer? 3 Punkte. (Siehe oben.) Ende"
    )
    assert sentences(text) == [
        "Die Stadt informiert z. B. früh.",
        "Sie beteiligt „alle“!",
        "Wer?",
        "3 Punkte.",
        "(Siehe oben.)",
        "Ende",
    ]


# Properties --------------------------------------------------------------------------------

# Two vocabularies that share no word and where no word contains another: the words of the
# quote (QUOTED) and the words around it, before and after the change (OTHER).
QUOTED = [f"q{chr(97 + i)}{chr(97 + j)}x" for i in range(6) for j in range(6)]
OTHER = [f"w{chr(97 + i)}{chr(97 + j)}z" for i in range(6) for j in range(6)]
quoted_words = st.lists(st.sampled_from(QUOTED), min_size=1, max_size=8)
other_words = st.lists(st.sampled_from(OTHER), max_size=30)
separators = st.sampled_from([" ", ", ", ". ", " – ", " (", ") "])


def join(parts: list[str], seps: list[str]) -> str:
    out = ""
    for index, part in enumerate(parts):
        out += (seps[index % len(seps)] if index else "") + part
    return out


@settings(max_examples=300, deadline=None)
@given(
    before=other_words,
    quote=quoted_words,
    after=other_words,
    new_before=other_words,
    new_after=other_words,
    seps=st.lists(separators, min_size=1, max_size=4),
    mixed=st.booleans(),
)
def test_property_a_quote_whose_words_survive_unchanged_stays_anchored(
    before, quote, after, new_before, new_after, seps, mixed
):
    """Whatever changes around it, a passage still in the text is found, exactly it."""
    exact = join(quote, seps)
    old = " ".join(part for part in (join(before, seps), exact, join(after, seps)) if part)
    anchor = quote_from(text=old, exact=exact)
    assert anchor is not None
    quote_selector = selector(old, anchor)
    assert quote_selector.exact == exact
    if mixed:  # the same words also elsewhere in the new text, in another order
        new_before = [*new_before, *reversed(quote)]
    new = join(new_before, seps) + " " + quote_selector.exact + " " + join(new_after, seps)
    new_anchor = locate(new, quote_selector, hint=anchor.start)
    assert new_anchor is not None
    assert new[new_anchor.start : new_anchor.end] == quote_selector.exact


@settings(max_examples=300, deadline=None)
@given(
    before=other_words,
    quote=quoted_words,
    after=other_words,
    new_words=st.lists(st.sampled_from(OTHER), min_size=0, max_size=40),
    seps=st.lists(separators, min_size=1, max_size=4),
)
def test_property_a_quote_whose_words_are_gone_is_never_anchored_elsewhere(
    before, quote, after, new_words, seps
):
    exact = join(quote, seps)
    old = " ".join(part for part in (join(before, seps), exact, join(after, seps)) if part)
    anchor = quote_from(text=old, exact=exact)
    assert anchor is not None
    new = " ".join(part for part in (join(before, seps), join(new_words, seps), join(after, seps)))
    assert locate(new, selector(old, anchor), hint=anchor.start) is None


def test_a_quote_of_a_word_that_stood_twice_does_not_slide_onto_the_other_one():
    """The second "breit" was quoted; the new text changes it and keeps the first one."""
    old = "Der Radweg ist breit. Der Gehweg ist breit."
    quote = selector(old, quote_from(text=old, exact="breit", prefix="Der Gehweg ist "))
    assert old[: old.rindex("breit")].endswith(quote.prefix)
    new = "Der Radweg ist breit. Der Gehweg ist schmal."
    assert locate(new, quote, hint=old.rindex("breit"), was_in=old) is None


def test_a_quote_of_a_word_that_stood_twice_stays_where_its_context_stays():
    old = "Der Radweg ist breit. Der Gehweg ist breit."
    quote = selector(old, quote_from(text=old, exact="breit", prefix="Der Gehweg ist "))
    new = "Der Radweg ist schmal. Der Gehweg ist breit."
    anchor = locate(new, quote, hint=old.rindex("breit"), was_in=old)
    assert anchor is not None and anchor.start == new.rindex("breit")


# Words only between the two occurrences, so their contexts differ as a real text's would.
MIDDLE = [f"m{chr(97 + i)}{chr(97 + j)}y" for i in range(6) for j in range(6)]


@settings(max_examples=300, deadline=None)
@given(
    # Real sentences seldom repeat a word over and over: the words around are distinct here.
    before=st.lists(st.sampled_from(OTHER), max_size=12, unique=True),
    quote=st.lists(st.sampled_from(QUOTED), min_size=1, max_size=8, unique=True),
    middle=st.lists(st.sampled_from(MIDDLE), min_size=1, max_size=12, unique=True),
    after=st.lists(st.sampled_from(OTHER), max_size=12, unique=True),
    replacement=st.lists(st.sampled_from(OTHER), min_size=1, max_size=12, unique=True),
    seps=st.lists(separators, min_size=1, max_size=4),
)
def test_property_a_quote_whose_occurrence_is_gone_is_not_moved_to_a_twin(
    before, quote, middle, after, replacement, seps
):
    """The words stood twice, the second was quoted and is gone: not anchored on the first."""
    exact = join(quote, seps)
    head = " ".join(part for part in (join(before, seps), exact, join(middle, seps)) if part)
    old = f"{head} {exact} {join(after, seps)}".strip()
    anchor = quote_from(text=old, exact=exact, prefix=old[max(0, len(head) - 32) : len(head) + 1])
    # Only where its context told the second occurrence apart in the first place.
    assume(anchor is not None and anchor.start == len(head) + 1)
    new = f"{head} {join(replacement, seps)} {join(after, seps)}".strip()
    found = locate(new, selector(old, anchor), hint=anchor.start, was_in=old)
    assert found is None or found.start > len(head), "never the first occurrence"
