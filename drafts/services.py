"""Writes on drafts: create, publish a version, revert, open and close. One transaction each."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import events
from deliberation.process.services import process_notify_followers
from deliberation.sanitizing import clean_plain
from deliberation.slugs import german_slugify, unique_slug

from .diffing import Side, diff_versions, version_description
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
    resolve_current,
    successor_fates,
)
from .models import Draft, DraftVersion, ModerationMode, Paragraph
from .selectors import paragraph_rows_at_version
from .signals import version_published
from .splitting import KIND_HEADING, Block, SplitError, split_markdown, split_plain_text

CONSULTATION_LENGTH = timedelta(weeks=3)


def _version_new(params: dict) -> str:
    message = params.get("message") or version_description(
        number=params["number"],
        reverted_to=params.get("reverted_to"),
        imported_from=params.get("imported_from") or "",
    )
    return _("New version %(number)s of “%(title)s”: %(message)s") % {
        "number": params["number"],
        "title": params["title"],
        "message": message,
    }


# What followers of the process are told, in the language of their page (apps.py registers).
NOTIFICATION_TEXTS = {"version_new": _version_new}
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


def _plan(
    draft: Draft | None,
    blocks: list[Block],
    *,
    keys: list[str] | None = None,
    overrides: dict[str, int | None] | None = None,
) -> Preview:
    """Match `blocks` against the draft (or take the given `keys`), writing nothing."""
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
    return _plan(draft, _without_title(_split(text, source_format), title), overrides=overrides)


def _unchanged(plan: Preview, live: dict[str, Paragraph]) -> bool:
    """Whether publishing `plan` would repeat the current version, formatting included."""
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


def _side(paragraph: Paragraph) -> Side:
    return Side(
        key=str(paragraph.key),
        position=paragraph.position,
        text=paragraph.text,
        html=paragraph.html,
        kind=paragraph.kind,
        section=paragraph.section,
    )


def _update_current(draft: Draft) -> None:
    """Point every paragraph of the draft at the live paragraph that shows its comments."""
    rows = list(draft.paragraphs.only("pk", "key", "archived", "successor", "current"))
    resolved = resolve_current(
        {str(p.key): p.successor_id and str(p.successor_id) for p in rows if p.archived},
        {str(p.key) for p in rows if not p.archived},
    )
    changed = []
    for paragraph in rows:
        current = resolved.get(str(paragraph.key))
        if (str(paragraph.current_id) if paragraph.current_id else None) != current:
            paragraph.current_id = current
            changed.append(paragraph)
    Paragraph.objects.bulk_update(changed, ["current"], batch_size=500)


def _publish(
    *,
    draft: Draft,
    plan: Preview,
    message: str,
    user,
    source: str,
    source_format: str,
    facts: dict | None = None,
) -> DraftVersion:
    """Write `plan` as the draft's next version (the draft row is locked by the caller).

    `facts` ({"reverted_to": N} or {"imported_from": NAME}) describe a version without a
    `message`, in each reader's language (DraftVersion.description)."""
    facts = facts or {}
    live = {str(p.key): p for p in draft.paragraphs.filter(archived=False)}
    before = [_side(p) for p in live.values()]
    number = draft.version + 1

    with reversion.create_revision(atomic=False):
        reversion.set_user(user)
        reversion.set_comment(message)
        after = []
        for position, (block, assignment) in enumerate(
            zip(plan.blocks, plan.assignments, strict=True)
        ):
            paragraph = live.get(assignment.key) or plan.restored.get(assignment.key)
            if paragraph is None:
                paragraph = Paragraph(
                    draft=draft,
                    key=assignment.key,
                    created_in_version=number,
                    current_id=assignment.key,
                )
            # A restored paragraph is live again, with its key and so with its comments.
            paragraph.archived, paragraph.archived_in_version, paragraph.fate = False, None, ""
            paragraph.successor_id = paragraph.placed_after_id = None
            paragraph.position = position
            paragraph.kind = block.kind
            paragraph.level = block.level
            paragraph.section = block.section
            paragraph.source = block.source
            paragraph.html = block.html
            paragraph.text = block.text
            paragraph.save()
            after.append(_side(paragraph))
        draft.version = number
        draft.save(update_fields=["version", "updated_at"])
        reversion.add_to_revision(draft)
        diff = diff_versions(before, after)
        reversion.add_meta(
            DraftVersion,
            draft=draft,
            number=number,
            message=message,
            author=user,
            source=source,
            source_format=source_format,
            changes={**(diff.counts() if before else {}), **facts},
        )
    # Paragraphs that lost their key are archived outside the revision (a version holds only
    # live ones), each with its fate; their comments move on with the successor.
    for paragraph, fate in zip(plan.archived, plan.fates, strict=True):
        paragraph.archived = True
        paragraph.archived_in_version = number
        paragraph.fate = fate.fate
        paragraph.successor_id = fate.successor
        paragraph.placed_after_id = fate.after
        paragraph.save(
            update_fields=["archived", "archived_in_version", "fate", "successor", "placed_after"]
        )
    _update_current(draft)
    successors: dict[str, str | None] = {key: key for key in live}
    successors.update({fate.key: fate.successor for fate in plan.fates})
    version_published.send(
        sender=Draft,
        draft=draft,
        number=number,
        successors=successors,
        restored=list(plan.restored),
        old_texts={side.key: side.text for side in before},
    )
    if number > 1:
        events.broadcast_on_commit(draft=draft, type="draft.updated", data={"version": number})
        if draft.process_id:
            process_notify_followers(
                process=draft.process,
                url=draft.get_absolute_url(),
                kind="version_new",
                params={"number": number, "title": draft.title, "message": message, **facts},
            )
    return draft.versions.get(number=number)


def _message(message: str, *, required: bool) -> str:
    message = clean_plain(message or "").strip()
    if not message and required:
        raise ValidationError(_("Say in a few words what changed in this version."), code="message")
    return message


@transaction.atomic
def draft_publish_version(
    *,
    draft: Draft,
    text: str,
    message: str,
    user,
    source_format: str = "markdown",
    overrides: dict[str, int | None] | None = None,
    imported_from: str = "",
) -> DraftVersion:
    """Publish `text` as the draft's next version, keeping the keys of surviving paragraphs,
    bringing back archived ones it contains again, and recording the fate of the others.

    `overrides` as for `draft_preview`; a first heading repeating the title is left out.
    `message` (what changed) may be empty only for the first version and for an import of
    the file `imported_from`: the platform describes those in each reader's language. Raises
    ValidationError (empty message, a text that cannot be split, overrides that do not fit
    the text; code "unchanged" for the text of the current version, when nothing is
    written).
    """
    # Lock the draft so two publishers cannot both take the same version number.
    caller_draft, draft = draft, Draft.objects.select_for_update().get(pk=draft.pk)
    message = _message(message, required=bool(draft.version) and not imported_from)
    plan = draft_preview(draft=draft, text=text, source_format=source_format, overrides=overrides)
    live = {str(p.key): p for p in draft.paragraphs.filter(archived=False)}
    if live and _unchanged(plan, live):
        raise ValidationError(
            _("The text is the same as in version %(number)s: no new version was published.")
            % {"number": draft.version},
            code="unchanged",
        )
    version = _publish(
        draft=draft,
        plan=plan,
        message=message,
        user=user,
        source=text,
        source_format=source_format,
        facts={"imported_from": imported_from} if imported_from and not message else None,
    )
    caller_draft.version = version.number
    return version


def _unique_slug(title: str) -> str:
    return unique_slug(
        title, taken=lambda slug: Draft.objects.filter(slug=slug).exists(), fallback="entwurf"
    )


@transaction.atomic
def draft_create(
    *,
    title: str,
    text: str,
    user,
    slug: str = "",
    introduction: str = "",
    source_format: str = "markdown",
    moderation: str = ModerationMode.PRE,
    message: str = "",
) -> Draft:
    """Create a draft in preparation with its first version."""
    title = clean_plain(title).strip()
    if not title:
        raise ValidationError(_("Give the draft a title."), code="title")
    if moderation not in ModerationMode.values:
        raise ValidationError(_("Moderation must be “pre” or “post”."), code="moderation")
    if slug:
        if slug != german_slugify(slug):
            raise ValidationError(
                _("The short name may contain only lower-case letters, digits and hyphens."),
                code="slug",
            )
        if Draft.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("A draft with the short name “%(slug)s” exists already. Choose another one.")
                % {"slug": slug},
                code="slug",
            )
    draft = Draft.objects.create(
        title=title,
        slug=slug or _unique_slug(title),
        introduction=clean_plain(introduction).strip(),
        moderation=moderation,
        created_by=user,
    )
    draft_publish_version(
        draft=draft,
        text=text,
        user=user,
        source_format=source_format,
        message=message,
    )
    draft.refresh_from_db()
    return draft


@transaction.atomic
def draft_revert(*, draft: Draft, number: int, user) -> DraftVersion:
    """Publish version `number` again as a new version; history is never rewritten.

    The new version has exactly the paragraphs of version `number`, with their keys (archived
    ones come back with their comments); the others get their fates as on any new version.
    Raises ValidationError when there is no such version.
    """
    caller_draft, draft = draft, Draft.objects.select_for_update().get(pk=draft.pk)
    old = draft.versions.filter(number=number).first()
    if old is None:
        raise ValidationError(
            _("Version %(number)s does not exist.") % {"number": number}, code="version"
        )
    rows = paragraph_rows_at_version(draft=draft, number=number)
    blocks = [
        Block(
            kind=row["kind"],
            source=row["source"],
            html=row["html"],
            text=row["text"],
            level=row["level"],
            section=row["section"],
        )
        for row in rows
    ]
    version = _publish(
        draft=draft,
        plan=_plan(draft, blocks, keys=[str(row["key"]) for row in rows]),
        message="",
        user=user,
        source=old.source,
        source_format=old.source_format,
        facts={"reverted_to": number},
    )
    caller_draft.version = version.number
    return version


@transaction.atomic
def draft_open(*, draft: Draft, closes_at: datetime | None = None) -> Draft:
    """Open the consultation now, for three weeks unless `closes_at` says otherwise."""
    now = timezone.now()
    closes_at = closes_at or now + CONSULTATION_LENGTH
    if closes_at <= now:
        raise ValidationError(_("The consultation must close in the future."), code="closes_at")
    draft.opens_at, draft.closes_at, draft.is_final = now, closes_at, False
    draft.save(update_fields=["opens_at", "closes_at", "is_final", "updated_at"])
    events.broadcast_on_commit(draft=draft, type="draft.status", data={"status": draft.status})
    return draft


@transaction.atomic
def draft_close(*, draft: Draft) -> Draft:
    """Close the consultation now: reading stays possible, writing stops."""
    now = timezone.now()
    draft.opens_at = draft.opens_at or now
    draft.closes_at = now
    draft.save(update_fields=["opens_at", "closes_at", "updated_at"])
    events.broadcast_on_commit(draft=draft, type="draft.status", data={"status": draft.status})
    return draft
