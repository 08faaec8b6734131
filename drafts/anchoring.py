"""Find a quoted passage of a paragraph again, in this version or a later one.

A citizen may comment on a few words of a paragraph. The passage is kept as a W3C Web
Annotation TextQuoteSelector (https://www.w3.org/TR/annotation-model/#text-quote-selector):
the quoted text ``exact`` with up to CONTEXT_CHARS characters before it (``prefix``) and after
it (``suffix``), plus its position (character offsets into the paragraph's plain ``text``).

When a new version is published, ``locate`` finds the passage in the new text:

1. verbatim: every occurrence of ``exact``; prefix, suffix and the old position decide which;
2. ignoring case and typographic variants of quotes, apostrophes and dashes;
3. fuzzily, word by word: the run of words most like the quoted words, if at least
   FUZZY_MIN_SIMILARITY of them (weighed by length, at least FUZZY_MIN_WORDS words) agree
   in order and the characters right before or after it are still those of the prefix or the
   suffix (FUZZY_MIN_CONTEXT), so a passage whose words are gone is never anchored on other
   words; context and position break ties.

A quote whose words stood more than once in the text it was last found in is known only by its
context: there, a place is taken only where at least AMBIGUOUS_MIN_CONTEXT of the words of its
prefix and suffix still stand right next to it (`locate`'s `was_in`), so that when the quoted
occurrence is gone the quote is not anchored on its twin.

Pure: no database access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import takewhile

CONTEXT_CHARS = 32
MAX_EXACT_CHARS = 2000
FUZZY_MIN_WORDS = 2  # words that must agree: one changed word alone is a changed passage
# Share of the quoted words (by characters) the found passage has in the same order.
FUZZY_MIN_SIMILARITY = 0.6
FUZZY_MIN_CONTEXT = 6  # characters of the prefix or the suffix next to the passage that agree
FUZZY_SLACK_WORDS = 3  # the found passage may be this many words shorter or longer
# A quote whose words stood more than once in the text it was found in is told apart only by its
# context: a place in the new text counts as it only where this share of the words of prefix and
# suffix still stands right next to it, so the quote never slides onto the other occurrence.
AMBIGUOUS_MIN_CONTEXT = 0.5

_WHITESPACE = re.compile(r"\s+")
# A sentence ends at ".", "!" or "?" (and closing quotes or brackets) before a space and a
# capital letter, digit or opening quote; an abbreviation of one letter ("z. B. der") does not.
_SENTENCE_END = re.compile(
    r"(?:(?<=\w\w[.!?])|(?<=[)\"“”'\]][.!?])|(?<=[.!?][)\"“”'\]]))\s+(?=[A-ZÄÖÜ„\"(\[\d])"
)
_WORD = re.compile(r"\w+")
# One character for one, so that offsets in the folded text are offsets in the original.
_FOLD = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "‹": "'",
        "›": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class Quote:
    """A TextQuoteSelector: the quoted text and a little of what surrounds it."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Anchor:
    """Where a quote is in a text: ``text[start:end]``; ``verbatim`` False for a fuzzy find."""

    start: int
    end: int
    verbatim: bool = True


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space, as in a paragraph's plain text."""
    return _WHITESPACE.sub(" ", text)


def quote_from(*, text: str, exact: str, prefix: str = "", suffix: str = "") -> Anchor | None:
    """Find a quote a reader just made (whitespace as the browser gives it) in `text`.

    Returns the Anchor of the occurrence whose context fits best, or None if `text` does not
    contain `exact` (after collapsing whitespace) or `exact` is blank.
    """
    exact = collapse(exact).strip()
    if not exact:
        return None
    return _verbatim(text, Quote(exact, collapse(prefix), collapse(suffix)), hint=None)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph's plain text, in order (for a reader to pick one)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def selector(text: str, anchor: Anchor) -> Quote:
    """The TextQuoteSelector of `text[anchor.start:anchor.end]`, with CONTEXT_CHARS of context."""
    return Quote(
        exact=text[anchor.start : anchor.end],
        prefix=text[max(0, anchor.start - CONTEXT_CHARS) : anchor.start],
        suffix=text[anchor.end : anchor.end + CONTEXT_CHARS],
    )


def locate(
    text: str, quote: Quote, hint: int | None = None, was_in: str | None = None
) -> Anchor | None:
    """Find `quote` in `text` (see the module's description); None when it is not there.

    `hint`: the passage's start in the previous text, preferred among equally good places.
    `was_in`: the text the quote was last found in; where its words stood there more than once,
    only a place whose context agrees (AMBIGUOUS_MIN_CONTEXT) is taken.
    """
    if not quote.exact:
        return None
    anchor = _verbatim(text, quote, hint) or _folded(text, quote, hint) or _fuzzy(text, quote, hint)
    if anchor is None or was_in is None or len(_occurrences(was_in, quote.exact, quote)) < 2:
        return anchor
    return anchor if _context_agreement(text, quote, anchor) >= AMBIGUOUS_MIN_CONTEXT else None


def _leading_equal(words: list[str], wanted: list[str]) -> int:
    """How many words at the start of `words` equal those at the start of `wanted`."""
    same = takewhile(lambda pair: pair[0] == pair[1], zip(words, wanted, strict=False))
    return sum(1 for _pair in same)


def _context_agreement(text: str, quote: Quote, anchor: Anchor) -> float:
    """The share of the words of prefix and suffix that still stand right next to `anchor`,
    counted outward from the passage (0 to 1): the near words tell two occurrences apart."""
    before = _WORD.findall(text[: anchor.start])[::-1]
    after = _WORD.findall(text[anchor.end :])
    prefix, suffix = _WORD.findall(quote.prefix)[::-1], _WORD.findall(quote.suffix)
    kept = _leading_equal(before, prefix) + _leading_equal(after, suffix)
    return kept / max(1, len(prefix) + len(suffix))


def _context(text: str, quote: Quote, start: int, end: int) -> tuple[float, float]:
    """How well the text before and after [start, end) agrees with the quote's prefix and
    suffix: two ratios from 0 to 1 (1 for a side the quote has no context on)."""
    sides = []
    for context, around in (
        (quote.prefix, text[max(0, start - len(quote.prefix)) : start]),
        (quote.suffix, text[end : end + len(quote.suffix)]),
    ):
        sides.append(
            SequenceMatcher(None, around, context, autojunk=False).ratio() if context else 1.0
        )
    return sides[0], sides[1]


def _neighbours_agree(text: str, quote: Quote, start: int, end: int) -> bool:
    """The passage still stands next to its old prefix or suffix (its first or last
    FUZZY_MIN_CONTEXT characters; a quote without prefix began the paragraph, and so on)."""
    prefix, suffix = quote.prefix[-FUZZY_MIN_CONTEXT:], quote.suffix[:FUZZY_MIN_CONTEXT]
    before = text[max(0, start - len(prefix)) : start] == prefix and (prefix or start == 0)
    after = text[end : end + len(suffix)] == suffix and (suffix or end == len(text))
    return bool(before or after)


def _context_score(text: str, quote: Quote, start: int, end: int) -> float:
    return sum(_context(text, quote, start, end))


def _best(text: str, quote: Quote, spans: list[tuple[int, int]], hint: int | None):
    def rank(span: tuple[int, int]) -> tuple[float, int]:
        distance = abs(span[0] - hint) if hint is not None else span[0]
        return (-_context_score(text, quote, *span), distance)

    return min(spans, key=rank) if spans else None


def _is_word(char: str) -> bool:
    return bool(char) and _WORD.match(char) is not None


def _occurrences(haystack: str, needle: str, quote: Quote) -> list[tuple[int, int]]:
    """Where `needle` occurs in `haystack`; a quote of whole words matches only whole words."""
    whole_start = _is_word(needle[:1]) and not _is_word(quote.prefix[-1:])
    whole_end = _is_word(needle[-1:]) and not _is_word(quote.suffix[:1])
    spans, start = [], haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (whole_start and _is_word(haystack[start - 1 : start])) and not (
            whole_end and _is_word(haystack[end : end + 1])
        ):
            spans.append((start, end))
        start = haystack.find(needle, start + 1)
    return spans


def _verbatim(text: str, quote: Quote, hint: int | None) -> Anchor | None:
    span = _best(text, quote, _occurrences(text, quote.exact, quote), hint)
    return Anchor(*span) if span else None


def _fold(text: str) -> str:
    return "".join(c if len(low := c.lower()) != 1 else low for c in text.translate(_FOLD))


def _folded(text: str, quote: Quote, hint: int | None) -> Anchor | None:
    spans = _occurrences(_fold(text), _fold(quote.exact), quote)
    span = _best(text, quote, spans, hint)
    return Anchor(*span, verbatim=False) if span else None


def _weighted_ratio(matcher: SequenceMatcher, window: list[str], wanted_chars: int) -> float:
    """Like SequenceMatcher.ratio() on words, each word weighing its length: sharing "die"
    and "und" with a passage is much less than sharing "Bürgerbeteiligung". 0 when fewer
    than FUZZY_MIN_WORDS words agree."""
    matched = [
        word
        for block in matcher.get_matching_blocks()
        for word in window[block.a : block.a + block.size]
    ]
    if len(matched) < FUZZY_MIN_WORDS:
        return 0.0
    return 2 * sum(map(len, matched)) / (wanted_chars + sum(map(len, window)))


def _fuzzy(text: str, quote: Quote, hint: int | None) -> Anchor | None:
    wanted = [word.lower() for word in _WORD.findall(_fold(quote.exact))]
    if len(wanted) < FUZZY_MIN_WORDS:
        return None
    found = list(_WORD.finditer(_fold(text)))
    words = [match.group().lower() for match in found]
    wanted_set = set(wanted)
    wanted_chars = sum(len(word) for word in wanted)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)
    candidates: list[tuple[float, int, int]] = []
    best_similarity = 0.0
    # A found passage begins and ends with a quoted word: other words would only lengthen it.
    for first in (index for index, word in enumerate(words) if word in wanted_set):
        for length in range(
            max(1, len(wanted) - FUZZY_SLACK_WORDS), len(wanted) + FUZZY_SLACK_WORDS + 1
        ):
            window = words[first : first + length]
            if len(window) < length or window[-1] not in wanted_set:
                continue
            matcher.set_seq1(window)
            ratio = _weighted_ratio(matcher, window, wanted_chars)
            if ratio < FUZZY_MIN_SIMILARITY or ratio < best_similarity - 0.1:
                continue
            start, end = found[first].start(), found[first + length - 1].end()
            # Changed words are found only next to (one of) their old neighbours.
            if not _neighbours_agree(text, quote, start, end):
                continue
            best_similarity = max(best_similarity, ratio)
            candidates.append((ratio, start, end))
    candidates = [c for c in candidates if c[0] >= best_similarity - 0.1]
    if not candidates:
        return None

    def rank(candidate: tuple[float, int, int]) -> tuple[float, int]:
        ratio, start, end = candidate
        distance = abs(start - hint) if hint is not None else start
        return (-(ratio * 4 + _context_score(text, quote, start, end)), distance)

    _ratio, start, end = min(candidates, key=rank)
    return Anchor(start, end, verbatim=False)
