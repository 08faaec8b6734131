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
5. Restored keys. A block still without a key that equals (or, at ``RESTORE_THRESHOLD``,
   closely matches) a paragraph an earlier version archived takes that key back, so the
   comments on it are on the page again ("restored").
6. Everything else: new blocks get ``new_key()``; old keys that were not used are archived,
   each with its fate (``successor_fates``): rewritten, merged, split or removed.

``SIMILARITY_THRESHOLD`` is 0.5: the new text must keep at least half of the words, in order,
of the old one (measured as 2·matches / (len(a) + len(b))). Editing one word of eight gives
0.875, cutting a paragraph in two halves gives 0.67 for each half, renumbering a heading
("3.2 Formate" -> "3.3 Formate") 0.67. Unrelated paragraphs of one draft share function words
("die", "und", "der") but score about 0.1 (p99 0.2 in bench/split_match.py, which prints the
distribution), so 0.5 leaves a wide margin on both sides.

Cost: a typical new version (300 paragraphs, a fifth edited) takes about 10 ms; the worst case,
every paragraph edited, is all-pairs bit operations: about 0.1 s for 300, 4-5 s for 2,000.

The building blocks (words, similarity, the bit bags of step 2, the chain of step 3) are in
drafts/textmatch.py; this module decides keys and fates with them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from uuid import uuid4

from .textmatch import WordBags, exact_pairs, heaviest_chain, similar_pairs, similarity, words

SIMILARITY_THRESHOLD = 0.5
# An archived paragraph has no place in the order to vouch for it: it comes back only when the
# new block is nearly the same text.
RESTORE_THRESHOLD = 0.75
# Fates: the share of an old paragraph's words that a new block holds (merged, rewritten) or
# that the parts of a split hold together; a part must consist mostly of the old words.
CONTAINED = 0.6
PART_OF = 0.6
MIN_CONTAINED_WORDS = 3
# A word in more than this share of the new blocks is too common to say where a text went.
COMMON_SHARE = 0.1

UNCHANGED = "unchanged"
CHANGED = "changed"
MOVED = "moved"
NEW = "new"
RESTORED = "restored"

# What became of an old paragraph whose key the new version does not keep.
REWRITTEN = "rewritten"
MERGED = "merged"
SPLIT = "split"
REMOVED = "removed"
FATES = (REWRITTEN, MERGED, SPLIT, REMOVED)

_EXACT_WEIGHT = 2.0


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
    status: str  # "unchanged" | "changed" | "moved" | "restored" | "new"
    similarity: float  # 1.0 for equal texts, 0.0 for new blocks


@dataclass(frozen=True)
class Fate:
    """What became of an old paragraph whose key the new version does not keep.

    ``successor`` is the key of the new block that carries its comments on (None: removed);
    ``after`` the key of the new block that continues the nearest preceding old paragraph
    (None: nothing before it continues), so that what was removed shows at its former place.
    """

    key: str
    fate: str  # "rewritten" | "merged" | "split" | "removed"
    successor: str | None
    after: str | None = None


@dataclass(frozen=True)
class MatchResult:
    assignments: list[Assignment]  # one per new block, in the new order
    archived: list[str]  # keys of existing paragraphs not kept, in their old order
    fates: list[Fate] = field(default_factory=list)  # one per archived key, same order


def _restore(
    archived: Sequence[Existing], new_texts: Sequence[str], free: Sequence[int]
) -> dict[int, tuple[int, float]]:
    """Pair free new blocks with archived paragraphs: equal texts, then close ones.

    Returns {new index: (archived index, similarity)}.
    """
    if not archived or not free:
        return {}
    texts = [paragraph.text for paragraph in archived]
    free_texts = [new_texts[j] for j in free]
    restored = {free[j]: (i, 1.0) for j, i in exact_pairs(texts, free_texts).items()}
    left_old = [i for i in range(len(texts)) if i not in {i for i, _ in restored.values()}]
    left_new = [j for j in free if j not in restored]
    close = similar_pairs(texts, new_texts, left_old, left_new, RESTORE_THRESHOLD)
    taken = set()
    for i, j, score in sorted(close, key=lambda c: (-c[2], c[1], c[0])):
        if j not in restored and i not in taken:
            restored[j] = (i, score)
            taken.add(i)
    return restored


def match_blocks(
    existing: Sequence[Existing],
    new_texts: Sequence[str],
    *,
    archived: Sequence[Existing] = (),
    new_key: Callable[[], str] = lambda: str(uuid4()),
    threshold: float = SIMILARITY_THRESHOLD,
) -> MatchResult:
    """Assign each new block the key of the paragraph it continues, or a new key.

    ``existing`` are the paragraphs of the current version, in order; ``archived`` those an
    earlier version removed (their keys come back for blocks that equal or nearly equal them).
    Raises ValueError when keys repeat.
    """
    keys = [paragraph.key for paragraph in existing]
    if len(set(keys) | {p.key for p in archived}) != len(keys) + len(archived):
        raise ValueError("Existing paragraphs must have distinct keys.")
    old_texts = [paragraph.text for paragraph in existing]

    exact = exact_pairs(old_texts, new_texts)
    used_old = set(exact.values())
    old_free = [i for i in range(len(old_texts)) if i not in used_old]
    new_free = [j for j in range(len(new_texts)) if j not in exact]
    candidates = similar_pairs(old_texts, new_texts, old_free, new_free, threshold)

    points = [(i, j, _EXACT_WEIGHT) for j, i in exact.items()]
    points += [(i, j, 1.0 + score) for i, j, score in candidates]
    chain = {points[p][:2] for p in heaviest_chain(points, len(new_texts))}

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
    restored = _restore(archived, new_texts, [j for j in range(len(new_texts)) if j not in matched])

    assignments = []
    for j in range(len(new_texts)):
        if j in matched:
            i, status, score = matched[j]
            assignments.append(Assignment(keys[i], status, score))
        elif j in restored:
            i, score = restored[j]
            assignments.append(Assignment(archived[i].key, RESTORED, score))
        else:
            assignments.append(Assignment(new_key(), NEW, 0.0))
    fates = successor_fates(existing, new_texts, [a.key for a in assignments])
    return MatchResult(assignments=assignments, archived=[fate.key for fate in fates], fates=fates)


def _anchors(old_keys: Sequence[str], new_keys: Sequence[str]) -> list[tuple[int, int]]:
    """Kept keys that stayed in order: a longest run of (old, new) pairs increasing in both."""
    new_index = {key: j for j, key in enumerate(new_keys)}
    pairs = [(i, new_index[key]) for i, key in enumerate(old_keys) if key in new_index]
    chain = heaviest_chain([(i, j, 1.0) for i, j in pairs], len(new_keys))
    return sorted((pairs[p][0], pairs[p][1]) for p in chain) if pairs else []


def _in_place(
    gap_old: Sequence[int], gap_new: Sequence[int], score: Callable[[int, int], float]
) -> list[tuple[int, int]]:
    """Pair old and new blocks of one gap in order: all of them when the counts agree, else the
    min(k, l) in-order pairs of the highest total similarity (a small alignment table)."""
    if len(gap_old) == len(gap_new):
        return list(zip(gap_old, gap_new, strict=True))
    k, n = len(gap_old), len(gap_new)
    # best[a][b]: the heaviest in-order pairing of gap_old[a:] with gap_new[b:]; each pair
    # weighs 1 + similarity, so the most pairs win first, then the most similar ones.
    best = [[0.0] * (n + 1) for _ in range(k + 1)]
    for a in range(k - 1, -1, -1):
        for b in range(n - 1, -1, -1):
            pair = 1.0 + score(gap_old[a], gap_new[b]) + best[a + 1][b + 1]
            best[a][b] = max(best[a + 1][b], best[a][b + 1], pair)
    pairs, a, b = [], 0, 0
    while a < k and b < n:
        take = 1.0 + score(gap_old[a], gap_new[b]) + best[a + 1][b + 1]
        if best[a][b] == take:
            pairs.append((gap_old[a], gap_new[b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return pairs


def successor_fates(
    existing: Sequence[Existing], new_texts: Sequence[str], new_keys: Sequence[str]
) -> list[Fate]:
    """Say what became of each old paragraph whose key is not among ``new_keys``.

    ``new_keys[j]`` is the key block ``j`` of the new version has. In this order:

    - merged: a block that keeps another old key added most (``CONTAINED``) of its words;
    - rewritten: a block with a key of its own holds most of its words (an expanded text);
    - split: two or more blocks of their own, each made mostly of its words, together hold
      most of them (the successor is the one holding the most);
    - rewritten in place: blocks without an old key that stand between the same kept
      neighbours as the old paragraph did (one for one in order; when the counts differ, the
      pairs of highest similarity);
    - removed: everything else.

    Words are compared without those common to many blocks (``COMMON_SHARE``). Returns one
    Fate per such paragraph, in the old order. Pure and deterministic.
    """
    old_keys = [paragraph.key for paragraph in existing]
    kept = set(new_keys) & set(old_keys)
    gone = [i for i, key in enumerate(old_keys) if key not in kept]
    if not gone:
        return []
    free = [j for j, key in enumerate(new_keys) if key not in kept]
    old_words = {i: words(existing[i].text) for i in gone}
    new_words = [words(text) for text in new_texts]
    # Words that many blocks share ("die", "und") say nothing about where a text went.
    frequency = Counter(word for tokens in new_words for word in set(tokens))
    common = {w for w, n in frequency.items() if n > max(2, COMMON_SHARE * len(new_texts))}
    bags = WordBags()

    def content(text_words: list[str]) -> list[str]:
        return [word for word in text_words if word not in common]

    old_content = {i: content(tokens) for i, tokens in old_words.items()}
    new_content = [content(tokens) for tokens in new_words]
    old_bag = {i: bags.encode(tokens) for i, tokens in old_content.items()}
    new_bag = [bags.encode(tokens) for tokens in new_content]
    # What a block added to the old paragraph whose key it keeps (all of it, for a new key):
    # a merged paragraph's words are among the additions.
    old_index = {key: i for i, key in enumerate(old_keys)}

    def additions(j: int) -> int:
        if new_keys[j] not in kept:
            return new_bag[j]
        old_text = existing[old_index[new_keys[j]]].text
        if old_text == new_texts[j]:
            return 0  # unchanged: it took in nothing
        return new_bag[j] & ~bags.encode(content(words(old_text)))

    added = [additions(j) for j in range(len(new_texts))]

    successor: dict[int, tuple[str, int]] = {}  # old index -> (fate, new index)
    for i in gone:
        size = len(old_content[i])
        if size < MIN_CONTAINED_WORDS:
            continue
        shares = [(old_bag[i] & bag).bit_count() for bag in added]
        best = max(range(len(new_texts)), key=lambda j: (shares[j], -j), default=None)
        if best is not None and shares[best] >= CONTAINED * size:
            successor[i] = (MERGED if new_keys[best] in kept else REWRITTEN, best)
            continue
        parts = [j for j in free if new_content[j] and shares[j] >= PART_OF * len(new_content[j])]
        if len(parts) >= 2 and sum(shares[j] for j in parts) >= CONTAINED * size:
            successor[i] = (SPLIT, max(parts, key=lambda j: (shares[j], -j)))

    claimed = {j for _, j in successor.values()}
    anchors = [(-1, -1), *_anchors(old_keys, new_keys), (len(old_keys), len(new_keys))]
    gone_set = set(gone) - set(successor)
    open_new = {j for j in free if j not in claimed}

    def score(i: int, j: int) -> float:
        return similarity(old_words[i], new_words[j])

    for (i1, j1), (i2, j2) in pairwise(anchors):
        gap_old = [i for i in range(i1 + 1, i2) if i in gone_set]
        gap_new = [j for j in range(j1 + 1, j2) if j in open_new]
        if gap_old and gap_new:
            for i, j in _in_place(gap_old, gap_new, score):
                successor[i] = (REWRITTEN, j)

    # A removed paragraph's place: after what continues the nearest preceding old paragraph.
    fates, after = [], None
    for i, key in enumerate(old_keys):
        if key in kept:
            after = key
            continue
        fate, j = successor.get(i, (REMOVED, None))
        fates.append(Fate(key, fate, None if j is None else new_keys[j], after))
        after = after if j is None else new_keys[j]
    return fates


def override_fates(
    fates: Sequence[Fate], overrides: dict[str, int | None], new_keys: Sequence[str]
) -> list[Fate]:
    """Apply the working group's choices: {old key: index of the new block that replaces it,
    or None for "removed"}. A block that keeps another old key makes it "merged".

    Raises ValueError for an index outside the new version or a key that is not archived.
    """
    by_key = {fate.key: fate for fate in fates}
    unknown = set(overrides) - set(by_key)
    if unknown:
        raise ValueError(f"Not archived by this version: {sorted(unknown)}")
    kept = set(new_keys) - set(by_key)
    result = []
    for fate in fates:
        if fate.key not in overrides:
            result.append(fate)
            continue
        index = overrides[fate.key]
        if index is None:
            result.append(Fate(fate.key, REMOVED, None, fate.after))
            continue
        if not 0 <= index < len(new_keys):
            raise ValueError(f"No block {index} in the new version.")
        target = new_keys[index]
        chosen = fate.fate if fate.successor == target else MERGED if target in kept else REWRITTEN
        result.append(Fate(fate.key, chosen, target, fate.after))
    return result


def resolve_current(successors: dict[str, str | None], live: set[str]) -> dict[str, str | None]:
    """For every paragraph key, the live key that shows its comments now (None: removed).

    ``successors`` maps each archived key to its successor's key (None: removed); a live key
    shows its own comments. Successors are live when they are recorded, so chains end; a
    cycle (which publishing cannot create) resolves to None rather than looping.
    """
    resolved: dict[str, str | None] = {key: key for key in live}
    for start in successors:
        path, key = [], start
        while key is not None and key not in resolved and key not in path:
            path.append(key)
            key = successors.get(key)
        end = resolved.get(key) if key is not None and key not in path else None
        for step in path:
            resolved[step] = end
    return resolved
