"""Compare two versions of a draft paragraph by paragraph, and two texts word by word.

Paragraphs are identified by their key (see ``matching``), so the comparison of versions is a
comparison of key sequences: keys only in the new version are added, keys only in the old one
removed, and of the keys in both, those outside a longest common subsequence have moved.

``diff_html`` is built here from escaped tokens and fixed markup only; it is safe to render.
Pure: no database access.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.translation import gettext, ngettext

ADDED = "added"
REMOVED = "removed"
MOVED = "moved"
CHANGED = "changed"
UNCHANGED = "unchanged"

# A word or a single other character (punctuation, so that "Text." -> "Text," marks only the
# comma), each with the whitespace that follows it.
_TOKEN = re.compile(r"(?:\w+|[^\w\s])\s*")


@dataclass(frozen=True)
class Side:
    """A paragraph as it is in one version."""

    key: str
    position: int
    text: str  # plain text
    html: str  # sanitized html of that version
    kind: str = "text"
    section: str = ""


@dataclass(frozen=True)
class Entry:
    key: str
    status: str  # "added" | "removed" | "moved" | "changed" | "unchanged"
    old: Side | None
    new: Side | None
    diff_html: str  # word-level diff if the text changed (also when moved), else ""


@dataclass(frozen=True)
class DraftDiff:
    entries: list[Entry]  # new-version order; removed ones after their old predecessor
    changed: int
    added: int
    removed: int
    moved: int  # moved ones count here even if their text changed too

    def counts(self) -> dict[str, int]:
        """The figures of `summary`, to store: {"changed", "added", "removed", "moved"}."""
        return {
            "changed": self.changed,
            "added": self.added,
            "removed": self.removed,
            "moved": self.moved,
        }

    def summary(self) -> str:
        """Return a line such as "3 changed, 1 new, 1 removed, 2 moved"."""
        return changes_summary(self.counts())


CHANGE_FIGURES = ("changed", "added", "removed", "moved")


def version_description(
    *, number: int, reverted_to: int | None = None, imported_from: str = "", **figures
) -> str:
    """The platform's own description of a version that has no message of its publisher, in
    the active language: a revert, an import, the first version; else ""."""
    if reverted_to:
        return gettext("Back to the text of version %(number)s") % {"number": reverted_to}
    if imported_from:
        return gettext("Import of %(file)s") % {"file": imported_from}
    return gettext("First version") if number == 1 else ""


def changes_summary(counts: dict[str, int]) -> str:
    """Say `counts` ({"changed", "added", "removed", "moved"}: numbers, missing ones 0) in the
    active language, e.g. "3 changed, 1 new, 2 moved", or "No changes"."""
    parts = []
    if changed := counts.get("changed", 0):
        parts.append(
            ngettext("%(count)d changed", "%(count)d changed", changed) % {"count": changed}
        )
    if added := counts.get("added", 0):
        parts.append(ngettext("%(count)d new", "%(count)d new", added) % {"count": added})
    if removed := counts.get("removed", 0):
        parts.append(
            ngettext("%(count)d removed", "%(count)d removed", removed) % {"count": removed}
        )
    if moved := counts.get("moved", 0):
        parts.append(ngettext("%(count)d moved", "%(count)d moved", moved) % {"count": moved})
    if not parts:
        return gettext("No changes")
    return gettext(", ").join(parts)


def _increasing_subsequence(values: Sequence[int]) -> set[int]:
    """Return the positions of a longest strictly increasing subsequence (O(n log n))."""
    tails: list[int] = []  # tails[k]: smallest end value of an increasing run of length k + 1
    tail_positions: list[int] = []
    previous = [-1] * len(values)
    for position, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[k] = value
            tail_positions[k] = position
        previous[position] = tail_positions[k - 1] if k else -1
    result = set()
    position = tail_positions[-1] if tail_positions else -1
    while position != -1:
        result.add(position)
        position = previous[position]
    return result


def _by_key(sides: Sequence[Side], which: str) -> dict[str, Side]:
    mapping = {side.key: side for side in sides}
    if len(mapping) != len(sides):
        raise ValueError(f"Keys of the {which} version must be distinct.")
    return mapping


def _wrap(tag: str, label: str, tokens: Sequence[str]) -> str:
    text = "".join(escape(token) for token in tokens)
    return f'<{tag}><span class="visually-hidden">{escape(label)} </span>{text}</{tag}>'


def _tokens(text: str) -> tuple[str, list[str]]:
    """Split text into leading whitespace and tokens that carry their trailing whitespace."""
    lead = text[: len(text) - len(text.lstrip())]
    return lead, _TOKEN.findall(text, len(lead))


def _changed_run(tag: str, label: str, tokens: Sequence[str]) -> tuple[str, str]:
    """Return the marked-up run and the whitespace after it, which stays outside the tag."""
    text = "".join(tokens)
    core = text.rstrip()
    return _wrap(tag, label, [core]), text[len(core) :]


def word_diff_html(old_text: str, new_text: str) -> str:
    """Return new_text with deletions and insertions against old_text marked up, escaped."""
    _, a = _tokens(old_text)
    new_lead, b = _tokens(new_text)
    # Compare words without their whitespace: a changed space is no change to a reader, and
    # leaving out the ubiquitous " " token makes SequenceMatcher several times faster.
    matcher = SequenceMatcher(
        None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False
    )
    deleted, inserted = gettext("deleted:"), gettext("inserted:")
    out = [escape(new_lead)]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(b[j1:j2])))
            continue
        space = ""
        if i2 > i1:
            if tag == "delete" and i1 and out[-1] and not out[-1][-1].isspace():
                # "a b" -> "a": the space before the deleted word exists only in the old text.
                # Not when words replace it (":\r1" -> ":0"): the new text has no space there.
                out.append(escape(a[i1 - 1][len(a[i1 - 1].rstrip()) :]))
            markup, space = _changed_run("del", deleted, a[i1:i2])
            out.append(markup)
        if j2 > j1:
            markup, space = _changed_run("ins", inserted, b[j1:j2])
            out.append(markup)
        out.append(escape(space))
    return "".join(out)


def word_diff_runs(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """The words changed from old_text to new_text as runs of plain text, in reading order:
    [(kind, text)] with kind "equal" (in both), "delete" (only in the old text) or "insert"
    (only in the new one). The same comparison as word_diff_html (words without their
    whitespace), for writers that mark changes themselves (the .docx answer table)."""
    _, a = _tokens(old_text)
    new_lead, b = _tokens(new_text)
    matcher = SequenceMatcher(
        None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False
    )
    runs: list[tuple[str, str]] = [("equal", new_lead)] if new_lead else []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            old = "".join(a[i1:i2])
            if runs and runs[-1][1] and not runs[-1][1][-1].isspace():
                old = " " + old.rstrip()  # "a b" -> "a": the space belongs to the old text
            runs.append(("delete", old))
        if j2 > j1:
            runs.append(("insert", "".join(b[j1:j2])))
    return runs


def _moved_keys(old: Sequence[Side], new: Sequence[Side], common: set[str]) -> set[str]:
    """Return the common keys outside a longest common subsequence of the two orders."""
    old_rank = {side.key: rank for rank, side in enumerate(s for s in old if s.key in common)}
    in_new_order = [side.key for side in new if side.key in common]
    kept = _increasing_subsequence([old_rank[key] for key in in_new_order])
    return {key for position, key in enumerate(in_new_order) if position not in kept}


def diff_versions(old: Sequence[Side], new: Sequence[Side]) -> DraftDiff:
    """Compare two versions of a draft by paragraph key."""
    old = sorted(old, key=lambda side: side.position)
    new = sorted(new, key=lambda side: side.position)
    old_by_key = _by_key(old, "old")
    new_by_key = _by_key(new, "new")
    common = old_by_key.keys() & new_by_key.keys()
    moved = _moved_keys(old, new, common)

    # Removed paragraphs follow the nearest preceding old paragraph that is still there
    # (None: they come first), keeping their old order.
    removed_after: dict[str | None, list[Entry]] = {}
    anchor: str | None = None
    for side in old:
        if side.key in common:
            anchor = side.key
        else:
            removed_after.setdefault(anchor, []).append(Entry(side.key, REMOVED, side, None, ""))

    entries = list(removed_after.get(None, []))
    for side in new:
        before = old_by_key.get(side.key)
        if before is None:
            entries.append(Entry(side.key, ADDED, None, side, ""))
            continue
        text_changed = before.text != side.text
        status = MOVED if side.key in moved else CHANGED if text_changed else UNCHANGED
        diff_html = word_diff_html(before.text, side.text) if text_changed else ""
        entries.append(Entry(side.key, status, before, side, diff_html))
        entries.extend(removed_after.get(side.key, []))

    counts = {status: 0 for status in (ADDED, REMOVED, MOVED, CHANGED, UNCHANGED)}
    for entry in entries:
        counts[entry.status] += 1
    return DraftDiff(
        entries=entries,
        changed=counts[CHANGED],
        added=counts[ADDED],
        removed=counts[REMOVED],
        moved=counts[MOVED],
    )
