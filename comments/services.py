"""Writes on comments, votes and supports: one transaction each, counters with F(), events after COMMIT."""

from contextlib import nullcontext

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import events
from deliberation.errors import ActionRefused
from deliberation.ratelimit import ratelimit_hit
from deliberation.sanitizing import normalize_text, render_comment
from drafts.anchoring import MAX_EXACT_CHARS, Quote, locate, quote_from, selector
from drafts.models import Draft, DraftStatus, Paragraph

from .announcements import announce_removed, announce_updated, events_forget
from .commenting import Writer
from .held import comment_go_public, new_comment_status
from .models import (
    MAX_DEPTH,
    WAITING_OR_PUBLIC,
    Comment,
    CommentEdit,
    CommentStatus,
    CommentSupport,
    ParagraphVote,
)
from .permissions import check_can_write, check_paragraph_open
from .tally import tally_add
from .voting import vote_cast  # noqa: F401 (the services' name for it)

MAX_COMMENT_CHARS = 5000
QUOTE_FIELDS = (
    "quote_exact",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "quote_end",
    "quote_anchored",
    "quote_lost_text",
    "quote_in",
)


def comment_body_clean(body: str) -> str:
    """The comment's text normalized (deliberation.sanitizing.normalize_text) and checked.

    Raises ActionRefused("invalid") for an empty text or one over MAX_COMMENT_CHARS characters
    (counted after normalizing). The one check for every path that stores a comment's text:
    writing, editing, resubmitting, entering an offline contribution.
    """
    text = normalize_text(body or "")
    if not text:
        raise ActionRefused("invalid", _("The comment is empty. Please write something."))
    if len(text) > MAX_COMMENT_CHARS:
        raise ActionRefused(
            "invalid",
            _("The comment is too long: %(length)s characters, at most %(max)s are allowed.")
            % {"length": len(text), "max": MAX_COMMENT_CHARS},
        )
    return text


def comment_lock(comment: Comment) -> Comment:
    """The comment re-read under its row lock, with its draft, paragraph and author.

    Every check after this sees the comment as it is now, and concurrent writers on it (a
    moderator's decision, a report, a support) queue here: a check made before taking the lock
    may act on a state that another transaction is changing.
    """
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("draft", "paragraph", "author")
        .get(pk=comment.pk)
    )


def _quote_fields(paragraph: Paragraph, quote: Quote | None) -> dict:
    """The comment's quote fields for a passage quoted from `paragraph`; refuse one not in it."""
    if quote is None or not quote.exact.strip():
        return {}
    if len(quote.exact) > MAX_EXACT_CHARS:
        raise ActionRefused(
            "invalid",
            _("The quoted passage is too long: at most %(max)s characters.")
            % {"max": MAX_EXACT_CHARS},
            field="quote",
        )
    anchor = quote_from(
        text=paragraph.text, exact=quote.exact, prefix=quote.prefix, suffix=quote.suffix
    )
    if anchor is None:
        raise ActionRefused(
            "invalid",
            _(
                "The paragraph does not contain the quoted passage. Select or copy it from the text."
            ),
            field="quote",
        )
    found = selector(paragraph.text, anchor)
    return {
        "quote_exact": found.exact,
        "quote_prefix": found.prefix,
        "quote_suffix": found.suffix,
        "quote_start": anchor.start,
        "quote_end": anchor.end,
        "quote_in": paragraph.key,
    }


def comment_create(
    *,
    user,
    paragraph: Paragraph,
    body: str,
    parent: Comment | None = None,
    quote: Quote | None = None,
    writer: Writer | None = None,
) -> Comment:
    """Write a comment (or a reply, with `parent`) on a paragraph of an open draft.

    `quote`: the passage of the paragraph the comment refers to; ActionRefused("invalid") when
    the paragraph's text does not contain `quote.exact` (whitespace collapsed). `writer`: what
    the caller's read knows about `user` already (comments/commenting.py), not asked again.
    """
    # Called outside a transaction (a form without a token, the demo): the checks and the
    # writes in one of its own, as always. Inside one (the receipt's): no savepoint.
    with nullcontext() if transaction.get_connection().in_atomic_block else transaction.atomic():
        draft = paragraph.draft
        check_can_write(user=user, draft=draft, blocked=writer.blocked if writer else None)
        ratelimit_hit(action="comment", ident=str(user.pk))
        text = comment_body_clean(body)
        if parent is not None:
            # A reply joins its comment, also one that a rewritten paragraph handed on to this one.
            shown_at = parent.paragraph.current_id
            if parent.paragraph_id != paragraph.pk and (
                shown_at is None or shown_at != paragraph.current_id
            ):
                raise ActionRefused(
                    "invalid", _("A reply must be on the same paragraph as the comment it answers.")
                )
            if parent.status != CommentStatus.PUBLISHED:
                raise ActionRefused("invalid", _("This comment cannot be answered."))
            paragraph = parent.paragraph
            if paragraph.current_id is None:  # removed: its comments are read, not continued
                raise ActionRefused(
                    "invalid", _("This paragraph is not part of the current version any more.")
                )
        else:
            check_paragraph_open(paragraph)
        quote_fields = _quote_fields(paragraph, quote)
        status = new_comment_status(
            user=user, draft=draft, confirmed=writer.confirmed if writer else None
        )
        body_html = render_comment(text)
        # Every refusal comes before this block, so it needs no savepoint inside a caller's
        # transaction (the websocket's receipt: four statements less per comment, issue 14): what
        # fails in it is the database, which fails the caller's write too.
        with transaction.atomic(savepoint=False):
            comment = Comment.objects.create(
                draft=draft,
                paragraph=paragraph,
                author=user,
                parent=parent,
                root=(parent.root or parent) if parent else None,
                depth=min(parent.depth + 1, MAX_DEPTH) if parent else 0,
                body=text,
                body_html=body_html,
                version=draft.version,
                status=status,
                **quote_fields,
            )
            comment_go_public(comment)
        return comment


def quotes_reanchor(*, draft: Draft, old_texts: dict[str, str]) -> int:
    """Find every quoted passage of the draft again after a new version; returns how many
    comments changed.

    A quote is looked for in the paragraph of the current version that shows its comment (the
    same key, or its successor: Paragraph.current). `old_texts`: the plain text of each paragraph
    (by key) of the version before. A quote whose paragraph is the same, with the same text,
    stays as it is; the others are located anew from the selector (drafts.anchoring.locate). One
    not found, or whose paragraph was removed, is marked not anchored and keeps the text it was
    last found in, for the diff readers see; a later version that brings it back anchors it again.
    """
    changed = []
    rows = (
        Comment.objects.filter(draft=draft)
        .exclude(quote_exact="")
        .select_related("paragraph__current")
        .only(*QUOTE_FIELDS, "paragraph__current__key", "paragraph__current__text")
    )
    for comment in rows.iterator(chunk_size=500):
        now = comment.paragraph.current
        where = str(comment.quote_in) if comment.quote_in else None
        if now is None and where is None:
            continue  # removed before, and still
        if now is not None and where == str(now.key) and old_texts.get(where) == now.text:
            continue  # its paragraph kept its text
        hint = comment.quote_start if now is not None and where == str(now.key) else None
        was_in = old_texts.get(where) if where else None
        anchor = (
            locate(now.text, comment.quote, hint=hint, was_in=was_in) if now is not None else None
        )
        if anchor is not None:
            comment.quote_start, comment.quote_end = anchor.start, anchor.end
            comment.quote_anchored, comment.quote_lost_text = True, ""
        else:
            if comment.quote_anchored:
                comment.quote_lost_text = old_texts.get(where, "") if where else ""
            comment.quote_start = comment.quote_end = None
            comment.quote_anchored = False
        comment.quote_in = now.key if now is not None else None
        changed.append(comment)
    Comment.objects.bulk_update(changed, QUOTE_FIELDS[3:], batch_size=500)
    return len(changed)


def _own(user, comment: Comment) -> None:
    if not user.is_authenticated or comment.author_id != user.pk:
        raise ActionRefused("forbidden", _("You can change only your own comments."))


@transaction.atomic
def comment_edit(*, user, comment: Comment, body: str) -> Comment:
    """Change one's own comment within 15 minutes; the earlier text is kept."""
    comment = comment_lock(comment)
    _own(user, comment)
    check_can_write(user=user, draft=comment.draft)
    if comment.status not in WAITING_OR_PUBLIC:
        raise ActionRefused("invalid", _("This comment can no longer be changed."))
    if not comment.is_editable:
        raise ActionRefused(
            "forbidden",
            _("Comments can be changed for 15 minutes after writing. Write a reply instead."),
        )
    text = comment_body_clean(body)
    if text == comment.body:
        return comment
    CommentEdit.objects.create(comment=comment, body=comment.body, body_html=comment.body_html)
    comment.body, comment.body_html, comment.edited_at = text, render_comment(text), timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    if comment.status == CommentStatus.PUBLISHED:
        announce_updated(comment)
    return comment


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> Comment:
    """Withdraw one's own comment while the consultation runs: its text goes, replies stay.

    Raises ActionRefused: `forbidden` for someone else's comment, `closed` once the consultation
    is closed or final (its record is frozen then).
    """
    comment = comment_lock(comment)
    _own(user, comment)
    if comment.status == CommentStatus.DELETED:
        return comment
    if comment.draft.status in (DraftStatus.CLOSED, DraftStatus.FINAL):
        raise ActionRefused(
            "closed",
            _(
                "The consultation is closed and its record is frozen: comments can no longer "
                "be deleted. Please write to the working group if something must be corrected."
            ),
        )
    _withdraw(comment)
    return comment


def _withdraw(comment: Comment, *, fields: tuple[str, ...] = ()) -> None:
    """Mark the locked `comment` deleted: its text and earlier texts go (and `fields` are
    emptied too), its events forget it, and readers are told when it was public."""
    was_public = comment.status == CommentStatus.PUBLISHED
    comment.edits.all().delete()
    comment.status, comment.body, comment.body_html = CommentStatus.DELETED, "", ""
    for name in fields:
        setattr(comment, name, Comment._meta.get_field(name).get_default())
    comment.save(update_fields=["status", "body", "body_html", *fields])
    events_forget(comment=comment)
    if was_public:
        tally_add(comment.paragraph_id, comments=-1)
        announce_removed(comment)


# What a comment keeps of its author after the account is deleted: nothing they wrote.
ERASED_FIELDS = (*QUOTE_FIELDS, "moderation_note", "pseudonym", "place")


def comments_erase(*, user) -> list[int]:
    """Before an account is deleted: every comment it wrote loses its text, its earlier texts,
    its quote and its moderation note, in every draft (closed ones too: the person's right to
    erasure outweighs the frozen record), and becomes "deleted"; replies of others stay.
    Returns the ids of the comments. Call it inside the deletion's transaction."""
    ids = []
    mine = Comment.objects.select_for_update(of=("self",)).filter(author=user).order_by("pk")
    for comment in mine.select_related("draft", "paragraph"):
        _withdraw(comment, fields=ERASED_FIELDS)
        ids.append(comment.pk)
    return ids


@transaction.atomic
def comment_support(*, user, comment: Comment, on: bool) -> int:
    """Support a comment of someone else, or take the support back; returns the new count."""
    comment = comment_lock(comment)
    check_can_write(user=user, draft=comment.draft)
    ratelimit_hit(action="support", ident=str(user.pk))
    if comment.author_id == user.pk:
        raise ActionRefused("invalid", _("You cannot support your own comment."))
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionRefused("invalid", _("Only published comments can be supported."))
    if on:
        try:
            with transaction.atomic():
                CommentSupport.objects.create(comment=comment, user=user)
            changed = 1
        except IntegrityError:
            changed = 0  # supported already: nothing to do
    else:
        changed = -CommentSupport.objects.filter(comment=comment, user=user).delete()[0]
    if changed:
        Comment.objects.filter(pk=comment.pk).update(support_count=F("support_count") + changed)
    count = Comment.objects.values_list("support_count", flat=True).get(pk=comment.pk)
    if changed:
        events.broadcast_on_commit(
            draft=comment.draft,
            type="supports.changed",
            data={"comment": comment.pk, "supports": count},
        )
    return count


@transaction.atomic
def participation_withdraw(*, user) -> None:
    """Before an account is deleted: take back its votes and supports so every count stays exact."""
    for vote in ParagraphVote.objects.filter(user=user).select_related("paragraph__draft"):
        vote.delete()
        tally = tally_add(vote.paragraph_id, rev=1, **{vote.choice: -1})
        events.votes_changed_on_commit(
            draft=vote.paragraph.draft,
            paragraph=str(vote.paragraph.key),
            counts=tally.vote_counts(),
            rev=tally.rev,
        )
    for support in CommentSupport.objects.filter(user=user).select_related("comment__draft"):
        support.delete()
        Comment.objects.filter(pk=support.comment_id).update(support_count=F("support_count") - 1)
        count = Comment.objects.values_list("support_count", flat=True).get(pk=support.comment_id)
        events.broadcast_on_commit(
            draft=support.comment.draft,
            type="supports.changed",
            data={"comment": support.comment_id, "supports": count},
        )
