"""One numbering: how people cite a paragraph a comment was written on. Pure: no database.

A paragraph has a number in each version (the running count of non-heading paragraphs). A
comment names the number in the version it was written on and, where it differs, the number
of the paragraph that shows it now: "Absatz 7 in Fassung 2, jetzt Absatz 8". Every page and
export takes the label from here, so that one comment never shows two different numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext


def paragraph_numbers(kinds: Iterable[str | None]) -> list[int | None]:
    """The numbers people cite paragraphs by, for paragraphs in reading order given by their
    kind: the running count of the paragraphs that are not headings. A heading gets None, and
    so does None (a paragraph that is not part of the version, such as an archived one).
    ["heading", "text", "list", "heading", "text"] -> [None, 1, 2, None, 3]."""
    numbers: list[int | None] = []
    count = 0
    for kind in kinds:
        if kind is None or kind == "heading":
            numbers.append(None)
        else:
            count += 1
            numbers.append(count)
    return numbers


@dataclass(frozen=True)
class Place:
    """Where a comment was written and where it is shown now.

    ``number``: the paragraph's number in ``version`` (None: a heading, or a version that is
    gone); ``current_key``/``current_number``: the paragraph of the current version that shows
    the comment (None: its paragraph was removed; the number is None for a heading).
    """

    key: str
    version: int
    number: int | None
    current_key: str | None
    current_number: int | None
    text: str = ""  # the paragraph's text in ``version``

    @property
    def removed(self) -> bool:
        return self.current_key is None

    @property
    def moved_on(self) -> bool:
        """Shown now on another paragraph (rewritten, merged or split) than written on."""
        return self.current_key is not None and self.current_key != self.key

    @property
    def label(self) -> str:
        """ "Absatz 7", "Absatz 7 in Fassung 2, jetzt Absatz 8" or "… gestrichen"."""
        return place_label(self.number, self.version, self.current_number, removed=self.removed)


def place_label(number: int | None, version: int, current: int | None, *, removed: bool) -> str:
    """The label of a paragraph as cited by a comment written on `version` (see Place)."""
    if removed:
        if number is None:
            return gettext("removed paragraph")
        return gettext("Paragraph %(then)s in version %(version)s, removed") % {
            "then": number,
            "version": version,
        }
    if number is None and current is None:
        return gettext("heading")
    if number is None or number == current:
        return gettext("Paragraph %(n)s") % {"n": current}
    if current is None:
        return gettext("Paragraph %(then)s in version %(version)s, now a heading") % {
            "then": number,
            "version": version,
        }
    return gettext("Paragraph %(then)s in version %(version)s, now paragraph %(now)s") % {
        "then": number,
        "version": version,
        "now": current,
    }
