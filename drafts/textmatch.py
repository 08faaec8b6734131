"""Pure building blocks of paragraph matching (drafts/matching.py): texts as word lists, their
similarity, the all-pairs search for similar texts with one bit per word occurrence, and the
heaviest chain of pairs that kept their order. No database, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Split text into casefolded words, the unit of similarity."""
    return _WORD.findall(text.casefold())


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Return difflib's ratio of two word lists (0 if either has no words)."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


class WordBags:
    """Encode word lists as ints: one bit per (word, occurrence number)."""

    def __init__(self) -> None:
        self._bits: dict[tuple[str, int], int] = {}

    def encode(self, tokens: Sequence[str]) -> int:
        seen: dict[str, int] = {}
        value = 0
        for token in tokens:
            occurrence = seen.get(token, 0)
            seen[token] = occurrence + 1
            bit = self._bits.setdefault((token, occurrence), len(self._bits))
            value |= 1 << bit
        return value


def exact_pairs(old_texts: Sequence[str], new_texts: Sequence[str]) -> dict[int, int]:
    """Pair equal texts, first unused old position first; return {new index: old index}."""
    positions: dict[str, list[int]] = {}
    for index in reversed(range(len(old_texts))):
        positions.setdefault(old_texts[index], []).append(index)
    pairs = {}
    for new_index, text in enumerate(new_texts):
        free = positions.get(text)
        if free:
            pairs[new_index] = free.pop()
    return pairs


def similar_pairs(
    old_texts: Sequence[str],
    new_texts: Sequence[str],
    old_free: Sequence[int],
    new_free: Sequence[int],
    threshold: float,
) -> list[tuple[int, int, float]]:
    """Return (old, new, similarity) for the pairs of free old and new blocks (indices into the
    texts) whose similarity reaches `threshold`: a bit AND rules out most pairs before
    difflib is asked (see drafts/matching.py, step 2)."""
    if not old_free or not new_free:
        return []
    bags = WordBags()
    old_words = {i: words(old_texts[i]) for i in old_free}
    new_words = {j: words(new_texts[j]) for j in new_free}
    old_bags = {i: bags.encode(tokens) for i, tokens in old_words.items()}
    found = []
    for j in new_free:
        b = new_words[j]
        if not b:
            continue
        b_bag = bags.encode(b)
        matcher = None
        for i in old_free:
            a = old_words[i]
            total = len(a) + len(b)
            # quick_ratio via bits, an upper bound of ratio(): most pairs stop here.
            if not a or 2 * (old_bags[i] & b_bag).bit_count() < threshold * total:
                continue
            if matcher is None:  # SequenceMatcher indexes its second sequence once
                matcher = SequenceMatcher(None, b=b, autojunk=False)
            matcher.set_seq1(a)
            score = matcher.ratio()
            if score >= threshold:
                found.append((i, j, score))
    return found


def heaviest_chain(points: Sequence[tuple[int, int, float]], size: int) -> list[int]:
    """Return indices of the heaviest chain of points strictly increasing in both coordinates.

    ``points`` are (old, new, weight) with 0 <= new < size.
    """
    order = sorted(range(len(points)), key=lambda p: (points[p][0], -points[p][1]))
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)  # Fenwick tree of prefix maxima
    previous = [-1] * len(points)
    total = [0.0] * len(points)
    for p in order:
        _, new, weight = points[p]
        best, best_point = 0.0, -1
        k = new  # prefix over new indices < new, i.e. tree positions 1..new
        while k > 0:
            if tree[k][0] > best:
                best, best_point = tree[k]
            k -= k & -k
        total[p] = best + weight
        previous[p] = best_point
        k = new + 1
        while k <= size:
            if total[p] > tree[k][0]:
                tree[k] = (total[p], p)
            k += k & -k
    if not points:
        return []
    end = max(range(len(points)), key=lambda p: total[p])
    chain = []
    while end != -1:
        chain.append(end)
        end = previous[end]
    return chain
