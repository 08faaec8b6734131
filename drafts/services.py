"""Writes on drafts: create, publish a version, revert, open and close. One transaction each."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deliberation import events
from deliberation.process.services import process_notify_followers
from deliberation.sanitizing import clean_plain

from .diffing import Side, diff_versions
from .matching import Assignment, Existing, match_blocks
from .models import Draft, DraftVersion, ModerationMode, Paragraph
from .splitting import Block, SplitError, split_markdown, split_plain_text

CONSULTATION_LENGTH = timedelta(weeks=3)
SOURCE_FORMATS = ("markdown", "text")


@dataclass(frozen=True)
class Preview:
    """What publishing `text` would do: each new block with the key it gets, and what is archived."""

    blocks: list[Block]
    assignments: list[Assignment]
    archived: list[Paragraph]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"unchanged": 0, "changed": 0, "moved": 0, "new": 0}
        for assignment in self.assignments:
            counts[assignment.status] += 1
        counts["archived"] = len(self.archived)
        return counts


def _split(text: str, source_format: str) -> list[Block]:
    if source_format not in SOURCE_FORMATS:
        raise ValidationError(_("Unknown text format “%(format)s”.") % {"format": source_format})
    try:
        return split_markdown(text) if source_format == "markdown" else split_plain_text(text)
    except SplitError as exc:
        raise ValidationError(str(exc), code="text") from exc


def draft_preview(*, draft: Draft | None, text: str, source_format: str = "markdown") -> Preview:
    """Split `text` and match it against the draft's current paragraphs, writing nothing."""
    blocks = _split(text, source_format)
    current = list(draft.paragraphs.filter(archived=False)) if draft and draft.pk else []
    result = match_blocks(
        [Existing(key=str(p.key), text=p.text, kind=p.kind) for p in current],
        [block.text for block in blocks],
    )
    by_key = {str(p.key): p for p in current}
    return Preview(
        blocks=blocks,
        assignments=result.assignments,
        archived=[by_key[key] for key in result.archived],
    )


def _side(paragraph: Paragraph) -> Side:
    return Side(
        key=str(paragraph.key),
        position=paragraph.position,
        text=paragraph.text,
        html=paragraph.html,
        kind=paragraph.kind,
        section=paragraph.section,
    )


@transaction.atomic
def draft_publish_version(
    *, draft: Draft, text: str, message: str, user, source_format: str = "markdown"
) -> DraftVersion:
    """Publish `text` as the draft's next version, keeping the keys of surviving paragraphs."""
    message = clean_plain(message or "").strip()
    if not message:
        raise ValidationError(_("Say in a few words what changed in this version."), code="message")
    # Lock the draft so two publishers cannot both take the same version number.
    caller_draft, draft = draft, Draft.objects.select_for_update().get(pk=draft.pk)
    preview = draft_preview(draft=draft, text=text, source_format=source_format)
    current = {str(p.key): p for p in draft.paragraphs.filter(archived=False)}
    before = [_side(p) for p in current.values()]
    number = draft.version + 1

    with reversion.create_revision(atomic=False):
        reversion.set_user(user)
        reversion.set_comment(message)
        after = []
        for position, (block, assignment) in enumerate(
            zip(preview.blocks, preview.assignments, strict=True)
        ):
            paragraph = current.get(assignment.key) or Paragraph(
                draft=draft, key=assignment.key, created_in_version=number
            )
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
            source=text,
            source_format=source_format,
            summary=diff.summary() if before else "",
        )
    # Removed paragraphs are archived outside the revision: a version holds only live ones.
    for paragraph in preview.archived:
        paragraph.archived = True
        paragraph.archived_in_version = number
        paragraph.save(update_fields=["archived", "archived_in_version"])
    if number > 1:
        events.broadcast_on_commit(draft=draft, type="draft.updated", data={"version": number})
        if draft.process_id:
            process_notify_followers(
                process=draft.process,
                url=draft.get_absolute_url(),
                text=_("New version %(number)s of “%(title)s”: %(message)s")
                % {"number": number, "title": draft.title, "message": message},
            )
    caller_draft.version = number
    return draft.versions.get(number=number)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "entwurf"
    slug, n = base, 2
    while Draft.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


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
        if slug != slugify(slug):
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
        message=message or _("First version"),
    )
    draft.refresh_from_db()
    return draft


def draft_revert(*, draft: Draft, number: int, user) -> DraftVersion:
    """Publish the text of version `number` as a new version; history is never rewritten."""
    old = draft.versions.filter(number=number).first()
    if old is None:
        raise ValidationError(
            _("Version %(number)s does not exist.") % {"number": number}, code="version"
        )
    return draft_publish_version(
        draft=draft,
        text=old.source,
        source_format=old.source_format,
        user=user,
        message=_("Back to the text of version %(number)s") % {"number": number},
    )


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
