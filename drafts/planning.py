"""What publishing a text as a draft's next version would do, computed without writing: the
text split into blocks, each block's key (kept, restored or new) and the fate of every paragraph
that loses its key. The working group sees it as the preview; drafts.services publishes it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .matching import (
    CHANGED,
    FATES,
    MOVED,
    NEW,
    REMOVED,
    RESTORED,
    REWRITTEN,
    UNCHANGED,
    Assignment,
    Existing,
    Fate,
    match_blocks,
    override_fates,
    successor_fates,
)
from .models import Draft, Paragraph
from .splitting import KIND_HEADING, Block, SplitError, split_markdown, split_plain_text

SOURCE_FORMATS = ("markdown", "text")


@dataclass(frozen=True)
class Preview:
    """What publishing `text` would do: each new block with the key it gets, and the fate of
    every paragraph of the current version that does not keep its key."""

    blocks: list[Block]
    assignments: list[Assignment]
    fates: list[Fate]
    archived: list[Paragraph]  # the rows of `fates`, same order
    restored: dict[str, Paragraph]  # key -> archived row a block brings back

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((UNCHANGED, CHANGED, MOVED, RESTORED, NEW), 0)
        for assignment in self.assignments:
            counts[assignment.status] += 1
        counts.update(dict.fromkeys(FATES, 0))
        for fate in self.fates:
            counts[fate.fate] += 1
        counts["archived"] = len(self.fates)
        return counts

    @property
    def fate_rows(self) -> list[tuple[Paragraph, Fate, int | None]]:
        """Each archived paragraph with its fate and the index of its successor block."""
        index = {assignment.key: j for j, assignment in enumerate(self.assignments)}
        return [
            (paragraph, fate, index.get(fate.successor))
            for paragraph, fate in zip(self.archived, self.fates, strict=True)
        ]


def _split(text: str, source_format: str) -> list[Block]:
    if source_format not in SOURCE_FORMATS:
        raise ValidationError(_("Unknown text format “%(format)s”.") % {"format": source_format})
    try:
        return split_markdown(text) if source_format == "markdown" else split_plain_text(text)
    except SplitError as exc:
        raise ValidationError(str(exc), code="text") from exc


def _existing(paragraphs) -> list[Existing]:
    return [Existing(key=str(p.key), text=p.text, kind=p.kind) for p in paragraphs]


def _overridden(fates: list[Fate], overrides: dict[str, int | None] | None, keys) -> list[Fate]:
    if not overrides:
        return fates
    try:
        return override_fates(fates, overrides, keys)
    except ValueError as exc:
        raise ValidationError(
            _("The text changed since the preview: check what replaces each paragraph again."),
            code="fates",
        ) from exc


def _handed_back(
    fates: list[Fate], assignments: list[Assignment], gone: dict[str, Paragraph]
) -> list[Fate]:
    """A paragraph that replaced one which now comes back hands its comments back to it
    (a revert or re-import), unless its words went elsewhere (merged or split)."""
    keys = [a.key for a in assignments]
    returning = {
        str(gone[key].successor_id): j
        for j, key in enumerate(keys)
        if key in gone and gone[key].successor_id
    }
    back = {
        fate.key: returning[fate.key]
        for fate in fates
        if fate.key in returning and fate.fate in (REMOVED, REWRITTEN)
    }
    return override_fates(fates, back, keys) if back else fates


def version_plan(
    draft: Draft | None,
    blocks: list[Block],
    *,
    keys: list[str] | None = None,
    overrides: dict[str, int | None] | None = None,
) -> Preview:
    """Match `blocks` against the draft (or take the given `keys`: a revert knows them),
    writing nothing. `overrides` as for draft_preview; raises ValidationError when they no
    longer fit the text."""
    saved = draft is not None and draft.pk is not None
    live = list(draft.paragraphs.filter(archived=False).order_by("position")) if saved else []
    gone = {str(p.key): p for p in draft.paragraphs.filter(archived=True)} if saved else {}
    texts = [block.text for block in blocks]
    if keys is None:
        result = match_blocks(_existing(live), texts, archived=_existing(gone.values()))
        assignments, fates = result.assignments, result.fates
    else:
        old = {str(p.key): p.text for p in live}
        assignments = [
            Assignment(
                key,
                RESTORED
                if key in gone
                else NEW
                if key not in old
                else UNCHANGED
                if old[key] == text
                else CHANGED,
                1.0 if key in old or key in gone else 0.0,
            )
            for key, text in zip(keys, texts, strict=True)
        ]
        fates = successor_fates(_existing(live), texts, keys)
    fates = _handed_back(fates, assignments, gone)
    fates = _overridden(fates, overrides, [a.key for a in assignments])
    by_key = {str(p.key): p for p in live}
    return Preview(
        blocks=blocks,
        assignments=assignments,
        fates=fates,
        archived=[by_key[fate.key] for fate in fates],
        restored={a.key: gone[a.key] for a in assignments if a.status == RESTORED},
    )


def _without_title(blocks: list[Block], title: str) -> list[Block]:
    """Drop a first heading that only repeats the draft's title: the page shows the title."""
    if len(blocks) > 1 and blocks[0].kind == KIND_HEADING and _same_words(blocks[0].text, title):
        return blocks[1:]
    return blocks


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def draft_preview(
    *,
    draft: Draft | None,
    text: str,
    source_format: str = "markdown",
    overrides: dict[str, int | None] | None = None,
    title: str = "",
) -> Preview:
    """Split `text` and match it against the draft's paragraphs, writing nothing.

    `overrides`: {key of a current paragraph: index of the new block that replaces it, or
    None for "removed"}, the working group's corrections of the computed fates. `title`: the
    draft's title (default: the draft's own); a first heading repeating it is left out. Raises
    ValidationError for a text that cannot be split or an override that does not fit it.
    """
    title = title or (draft.title if draft else "")
    return version_plan(
        draft, _without_title(_split(text, source_format), title), overrides=overrides
    )


def plan_repeats(plan: Preview, live: dict[str, Paragraph]) -> bool:
    """Whether publishing `plan` would repeat the current version (`live`: key -> live
    paragraph), formatting included."""
    if plan.archived or len(plan.blocks) != len(live):
        return False
    for position, (block, assignment) in enumerate(zip(plan.blocks, plan.assignments, strict=True)):
        paragraph = live.get(assignment.key)
        if paragraph is None or (
            paragraph.position,
            paragraph.kind,
            paragraph.level,
            paragraph.section,
            paragraph.html,
            paragraph.text,
        ) != (position, block.kind, block.level, block.section, block.html, block.text):
            return False
    return True
