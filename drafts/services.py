"""Writes on drafts: create, publish a version, revert, open and close. One transaction each.

What a new version would do is planned in drafts.planning (the preview); this module writes it.
"""

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
    resolve_current,
)
from .models import Draft, DraftVersion, ModerationMode, Paragraph
from .planning import Preview, draft_preview, plan_repeats, version_plan
from .selectors import paragraph_rows_at_version
from .signals import version_published
from .splitting import Block

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
    if live and plan_repeats(plan, live):
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
        plan=version_plan(draft, blocks, keys=[str(row["key"]) for row in rows]),
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
