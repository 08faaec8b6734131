"""Carry paragraph keys from one version of a draft to the next.

Comments and votes hang on a paragraph's key, so a new version must keep the key of every
paragraph that is still "the same paragraph": unchanged, edited, moved, or moved and edited.

The algorithm, for ``n`` old and ``m`` new blocks:

1. Exact pass. Texts equal to an old text take its key (a hash map from text to the old
   positions, first unused first, so duplicates pair up in order). On a typical new version
   this settles most blocks in O(n + m).
2. Candidates. Every remaining new block is compared with every remaining old one. Texts are
   split into casefolded words; the k-th occurrence of a word is one bit in a Python int, so
   ``2 * popcount(a & b) / (len(a) + len(b))`` is exactly difflib's ``quick_ratio`` on the
   word lists, an upper bound of ``ratio()``, at the cost of one AND. Only pairs whose bound
   reaches the threshold pay for ``SequenceMatcher(...).ratio()``; a pair is a candidate if
   its ratio reaches ``SIMILARITY_THRESHOLD``.
3. In-order chain. Exact pairs (weight 2) and candidates (weight 1 + similarity) are points
   (old, new); the heaviest chain increasing in both coordinates (sorted by old, then a
   Fenwick tree of prefix maxima over new, O(p log m)) is the longest run that kept its
   relative order, preferring exact pairs and closer edits. Chain members are "unchanged" or
   "changed"; a paragraph split in two keeps its key on the more similar part, because that
   point weighs more.
4. Moved. Exact pairs off the chain are "moved". Candidates whose old and new blocks are both
   still free are taken greedily, most similar first ("moved": had they fitted into the
   order, the chain would have taken them).
5. Everything else: new blocks get ``new_key()``, old keys that were not used are archived.

``SIMILARITY_THRESHOLD`` is 0.5: the new text must keep at least half of the words, in order,
of the old one (measured as 2·matches / (len(a) + len(b))). Editing one word of eight gives
0.875, cutting a paragraph in two halves gives 0.67 for each half, renumbering a heading
("3.2 Formate" -> "3.3 Formate") 0.67. Unrelated paragraphs of one draft share function words
("die", "und", "der") but score about 0.1 (p99 0.2 in bench/split_match.py, which prints the
distribution), so 0.5 leaves a wide margin on both sides.

Cost: a typical new version (300 paragraphs, a fifth edited) takes about 10 ms; the worst case,
every paragraph edited, is all-pairs bit operations: about 0.1 s for 300, 4-5 s for 2,000.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from uuid import uuid4

SIMILARITY_THRESHOLD = 0.5

UNCHANGED = "unchanged"
CHANGED = "changed"
MOVED = "moved"
NEW = "new"

_EXACT_WEIGHT = 2.0
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Existing:
    """A paragraph of the current version (its kind is carried along, not compared)."""

    key: str
    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Assignment:
    """The key and status a new block gets."""

    key: str
    status: str  # "unchanged" | "changed" | "moved" | "new"
    similarity: float  # 1.0 for equal texts, 0.0 for new blocks


@dataclass(frozen=True)
class MatchResult:
    assignments: list[Assignment]  # one per new block, in the new order
    archived: list[str]  # keys of existing paragraphs not kept, in their old order


def words(text: str) -> list[str]:
    """Split text into casefolded words, the unit of similarity."""
    return _WORD.findall(text.casefold())


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Return difflib's ratio of two word lists (0 if either has no words)."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


class _Bags:
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


def _exact_pairs(old_texts: Sequence[str], new_texts: Sequence[str]) -> dict[int, int]:
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


def _candidates(
    old_texts: Sequence[str],
    new_texts: Sequence[str],
    old_free: Sequence[int],
    new_free: Sequence[int],
    threshold: float,
) -> list[tuple[int, int, float]]:
    """Return (old, new, similarity) for free pairs at or above the threshold."""
    if not old_free or not new_free:
        return []
    bags = _Bags()
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


def _heaviest_chain(points: Sequence[tuple[int, int, float]], size: int) -> list[int]:
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


def match_blocks(
    existing: Sequence[Existing],
    new_texts: Sequence[str],
    *,
    new_key: Callable[[], str] = lambda: str(uuid4()),
    threshold: float = SIMILARITY_THRESHOLD,
) -> MatchResult:
    """Assign each new block the key of the paragraph it continues, or a new key."""
    keys = [paragraph.key for paragraph in existing]
    if len(set(keys)) != len(keys):
        raise ValueError("Existing paragraphs must have distinct keys.")
    old_texts = [paragraph.text for paragraph in existing]

    exact = _exact_pairs(old_texts, new_texts)
    used_old = set(exact.values())
    old_free = [i for i in range(len(old_texts)) if i not in used_old]
    new_free = [j for j in range(len(new_texts)) if j not in exact]
    candidates = _candidates(old_texts, new_texts, old_free, new_free, threshold)

    points = [(i, j, _EXACT_WEIGHT) for j, i in exact.items()]
    points += [(i, j, 1.0 + score) for i, j, score in candidates]
    chain = {points[p][:2] for p in _heaviest_chain(points, len(new_texts))}

    # new index -> (old index, status, similarity)
    matched: dict[int, tuple[int, str, float]] = {
        j: (i, UNCHANGED if (i, j) in chain else MOVED, 1.0) for j, i in exact.items()
    }
    for i, j, score in candidates:
        if (i, j) in chain:
            matched[j] = (i, CHANGED, score)
    taken_old = {i for i, _, _ in matched.values()}
    for i, j, score in sorted(candidates, key=lambda c: (-c[2], abs(c[0] - c[1]), c[0])):
        if j not in matched and i not in taken_old:
            matched[j] = (i, MOVED, score)
            taken_old.add(i)

    assignments = []
    for j in range(len(new_texts)):
        if j in matched:
            i, status, score = matched[j]
            assignments.append(Assignment(keys[i], status, score))
        else:
            assignments.append(Assignment(new_key(), NEW, 0.0))
    archived = [keys[i] for i in range(len(keys)) if i not in taken_old]
    return MatchResult(assignments=assignments, archived=archived)
