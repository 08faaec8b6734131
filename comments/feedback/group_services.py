"""The working group's writes on many comments at once: group answers, themes, text blocks,
assignments and internal notes. Everything here is internal to the working group except a
published group answer, which readers see under each of its comments like any answer.

Every function refuses anyone outside the working group (ActionRefused "forbidden") and acts
only on comments of the draft it is given.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.announcements import announce_updated_many
from comments.models import Comment, CommentStatus
from deliberation.errors import ActionRefused
from deliberation.roles import WORKING_GROUP
from deliberation.sanitizing import clean_plain, normalize_text, render_comment
from drafts.models import Draft

from .models import (
    MAX_REPLY_CHARS,
    Answer,
    Disposition,
    GroupAnswer,
    Handling,
    TextBlock,
    Theme,
)
from .notices import answers_notify
from .services import check_working_group, clean_answer

logger = logging.getLogger(__name__)

MAX_GROUP = 10_000  # comments in one group answer or bulk action
MAX_NOTE_CHARS = 2000
MAX_NAME_CHARS = 100


def _ids(comment_ids) -> list[int]:
    ids = sorted({int(pk) for pk in comment_ids})
    if not ids:
        raise ActionRefused("invalid", _("Choose at least one comment."))
    if len(ids) > MAX_GROUP:
        raise ActionRefused(
            "invalid",
            _("At most %(max)s comments at once; narrow the selection.") % {"max": MAX_GROUP},
        )
    return ids


@transaction.atomic
def group_answer_save(
    *,
    user,
    draft: Draft,
    comment_ids,
    disposition: str,
    reply: str,
    version: int | str | None = None,
    publish: bool = False,
) -> tuple[GroupAnswer, int]:
    """Answer every comment of `comment_ids` (of `draft`) with one answer; returns the group
    answer and how many comments it answers.

    Only published comments can be answered; others among the ids are left out (the count
    says how many were answered). A comment's earlier answer is replaced and linked to the
    group. With `publish`, every answer is published and readers see it live. Raises
    ActionRefused: "forbidden" outside the working group, "invalid" for no answerable comment,
    a disposition or reply the single answer would refuse too, or a version earlier than one of
    the comments.
    """
    check_working_group(user)
    ids = _ids(comment_ids)
    comments = list(
        Comment.objects.select_for_update(of=("self",))
        .filter(draft=draft, pk__in=ids, status=CommentStatus.PUBLISHED)
        .select_related("draft", "paragraph", "author")
        .order_by("pk")
    )
    if not comments:
        raise ActionRefused(
            "invalid", _("None of the chosen comments can be answered: only published ones can.")
        )
    if disposition not in Disposition.values:  # said of many comments, not one
        raise ActionRefused(
            "invalid", _("Choose how the comments were dealt with."), field="disposition"
        )
    latest = max(comments, key=lambda c: c.version)
    disposition, text, number = clean_answer(
        comment=latest, disposition=disposition, reply=reply, version=version
    )
    now = timezone.now()
    group = GroupAnswer.objects.create(
        draft=draft,
        disposition=disposition,
        reply=text,
        reply_html=render_comment(text),
        version_taken_up=number,
        author=user,
        published_at=now if publish else None,
    )
    fields = {
        "disposition": disposition,
        "reply": text,
        "reply_html": group.reply_html,
        "version_taken_up": number,
        "author": user,
        "group": group,
    }
    existing = {a.comment_id: a for a in Answer.objects.filter(comment__in=comments)}
    new, changed, told = [], [], []
    for comment in comments:
        answer = existing.get(comment.pk) or Answer(comment=comment)
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.updated_at = now
        if publish and answer.published_at is None:
            answer.published_at = now
            told.append(comment)
        (changed if answer.pk else new).append(answer)
        comment.answer = answer
    Answer.objects.bulk_create(new, batch_size=500)
    Answer.objects.bulk_update(changed, [*fields, "updated_at", "published_at"], batch_size=500)
    announce_updated_many(
        [c for c in comments if c.answer.published_at is not None], with_answer=True
    )
    answers_notify(told)  # the authors whose comment is answered publicly now
    logger.info(
        "group answer %s by %s: %s to %s comments%s",
        group.pk,
        user.get_username(),
        disposition,
        len(comments),
        " (published)" if publish else "",
    )
    return group, len(comments)


# Themes -------------------------------------------------------------------------------------


def _name(value: str, *, field: str) -> str:
    text = clean_plain(normalize_text(value or ""))
    if not text:
        raise ActionRefused("invalid", _("Please give it a name."), field=field)
    if len(text) > MAX_NAME_CHARS:
        raise ActionRefused(
            "invalid",
            _("The name is too long: at most %(max)s characters.") % {"max": MAX_NAME_CHARS},
            field=field,
        )
    return text


def theme_create(*, user, draft: Draft, name: str) -> Theme:
    """A new theme of `draft`; ActionRefused("invalid") for an empty name or one it has."""
    check_working_group(user)
    name = _name(name, field="name")
    try:
        with transaction.atomic():
            return Theme.objects.create(draft=draft, name=name)
    except IntegrityError:
        raise ActionRefused(
            "invalid",
            _("This draft has a theme “%(name)s” already.") % {"name": name},
            field="name",
        ) from None


def theme_delete(*, user, theme: Theme) -> None:
    """Remove a theme; its comments lose the tag, nothing else."""
    check_working_group(user)
    theme.delete()


@transaction.atomic
def themes_tag(*, user, theme: Theme, comment_ids, on: bool = True) -> int:
    """Give (or, `on` False, take away) `theme` to the comments of its draft among
    `comment_ids`; returns how many comments changed."""
    check_working_group(user)
    ids = list(
        Comment.objects.filter(draft_id=theme.draft_id, pk__in=_ids(comment_ids)).values_list(
            "pk", flat=True
        )
    )
    through = Theme.comments.through
    tagged = set(
        through.objects.filter(theme=theme, comment_id__in=ids).values_list("comment_id", flat=True)
    )
    if on:
        rows = [through(theme=theme, comment_id=pk) for pk in ids if pk not in tagged]
        through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        return len(rows)
    return through.objects.filter(theme=theme, comment_id__in=tagged).delete()[0]


# Text blocks ----------------------------------------------------------------------------------


def text_block_create(*, user, draft: Draft, title: str, body: str) -> TextBlock:
    """A standard reply of `draft` to insert into answers; ActionRefused("invalid") for an
    empty or too long title or text, or a title the draft has."""
    check_working_group(user)
    title = _name(title, field="title")
    text = normalize_text(body or "")
    if not text:
        raise ActionRefused("invalid", _("Please write the text of the block."), field="body")
    if len(text) > MAX_REPLY_CHARS:
        raise ActionRefused(
            "invalid",
            _("The text is too long: at most %(max)s characters.") % {"max": MAX_REPLY_CHARS},
        )
    try:
        with transaction.atomic():
            return TextBlock.objects.create(draft=draft, title=title, body=text, author=user)
    except IntegrityError:
        raise ActionRefused(
            "invalid",
            _("This draft has a text block “%(title)s” already.") % {"title": title},
            field="title",
        ) from None


def text_block_delete(*, user, block: TextBlock) -> None:
    check_working_group(user)
    block.delete()


def reply_with_block(*, reply: str, block: TextBlock | None) -> str:
    """The reply with the block's text added as a paragraph of its own (the form without
    script inserts a chosen block this way)."""
    if block is None:
        return reply
    return f"{reply.rstrip()}\n\n{block.body}" if reply.strip() else block.body


# Assignment and internal notes ----------------------------------------------------------------


@transaction.atomic
def comments_assign(*, user, draft: Draft, comment_ids, assignee) -> int:
    """Make `assignee` (a working group member, or None: nobody) handle these comments of
    `draft`; returns how many comments it concerns."""
    check_working_group(user)
    if assignee is not None and not assignee.groups.filter(name=WORKING_GROUP).exists():
        raise ActionRefused("invalid", _("Comments can be assigned to the working group only."))
    ids = list(
        Comment.objects.filter(draft=draft, pk__in=_ids(comment_ids)).values_list("pk", flat=True)
    )
    have = set(Handling.objects.filter(comment_id__in=ids).values_list("comment_id", flat=True))
    Handling.objects.filter(comment_id__in=have).update(
        assignee=assignee, updated_by=user, updated_at=timezone.now()
    )
    Handling.objects.bulk_create(
        [
            Handling(comment_id=pk, assignee=assignee, updated_by=user)
            for pk in ids
            if pk not in have
        ]
    )
    return len(ids)


def comment_note_save(*, user, comment: Comment, note: str) -> Handling:
    """Write the working group's internal note on a comment (empty: none)."""
    check_working_group(user)
    text = normalize_text(note or "")
    if len(text) > MAX_NOTE_CHARS:
        raise ActionRefused(
            "invalid",
            _("The note is too long: at most %(max)s characters.") % {"max": MAX_NOTE_CHARS},
            field="note",
        )
    handling, _created = Handling.objects.update_or_create(
        comment=comment, defaults={"note": text, "updated_by": user}
    )
    return handling


def working_group_members():
    """The people comments can be assigned to, by name."""
    return get_user_model().objects.filter(groups__name=WORKING_GROUP).order_by("username")
