"""Moderation: decisions on comments, reports, blocking. Every action is logged and explained.

Each decision locks the comment row and checks that it is still in the state the moderator saw,
so two moderators deciding at once get exactly one decision and a clear "already decided by …".
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.announcements import (
    announce_pending,
    announce_published,
    announce_removed,
    events_forget,
)
from comments.models import Comment, CommentEdit, CommentStatus
from comments.notices import comment_place, reply_notify
from comments.permissions import active_block, check_can_write
from comments.services import comment_body_clean, comment_lock, tally_add
from deliberation import events
from deliberation.errors import ActionRefused
from deliberation.notifications import notify
from deliberation.ratelimit import ratelimit_hit
from deliberation.reasons import NOTE_REQUIRED, reason_label, reasons
from deliberation.roles import is_moderator, is_working_group, role_check
from deliberation.sanitizing import normalize_text, render_comment
from drafts.models import Draft, ModerationMode

from .models import Flag, ModerationAction, ModerationActionKind, UserBlock

MAX_NOTE = 1000


def _check_moderator(user) -> None:
    role_check(user, is_moderator, _("Only moderators may do this."))


def _reason(reason: str, note: str) -> tuple[str, str]:
    note = normalize_text(note or "")  # also drops a NUL, which PostgreSQL refuses to store
    if reason not in dict(reasons()):
        raise ActionRefused("invalid", _("Choose a reason from the list."))
    if reason in NOTE_REQUIRED and not note:
        raise ActionRefused("invalid", _("For “other reason”, please explain it in the note."))
    if len(note) > MAX_NOTE:
        raise ActionRefused(
            "invalid", _("The note is too long: at most %(max)s characters.") % {"max": MAX_NOTE}
        )
    return reason, note


def _log(
    *, actor, action: str, comment: Comment | None = None, user=None, draft=None, reason="", note=""
):
    target = user or (comment.author if comment else None)
    ModerationAction.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        comment=comment,
        draft=draft or (comment.draft if comment else None),
        target_user=target,
        target_name=target.get_username() if target else "",
        reason=reason,
        note=note,
    )


def _locked(comment: Comment, *expected: str) -> Comment:
    """The comment, locked; refused when someone else decided on it meanwhile."""
    comment = comment_lock(comment)
    if comment.status not in expected:
        if comment.status == CommentStatus.DELETED:
            raise ActionRefused("invalid", _("The author has deleted this comment."))
        by = comment.moderated_by.get_username() if comment.moderated_by else _("someone else")
        raise ActionRefused("invalid", _("Already decided by %(name)s.") % {"name": by})
    return comment


def _decided(comment: Comment, action: str, moderator) -> None:
    """Take the item out of every moderator's queue."""
    events.broadcast_on_commit(
        draft=comment.draft,
        type="moderation.decided",
        data={
            "comment": comment.pk,
            "action": action,
            "status": comment.status,
            "by": moderator.get_username(),
        },
        audience=events.MODERATORS,
    )


def _mark(comment: Comment, status: str, moderator, reason: str = "", note: str = "") -> None:
    comment.status, comment.moderation_reason, comment.moderation_note = status, reason, note
    comment.moderated_by, comment.moderated_at = moderator, timezone.now()
    comment.save(
        update_fields=[
            "status",
            "moderation_reason",
            "moderation_note",
            "moderated_by",
            "moderated_at",
        ]
    )


def _reason_said(params: dict) -> dict:
    return {"reason": reason_label(params.get("reason", ""))}


def _comment_rejected(params: dict) -> str:
    parts = [_("Your comment was not released. Reason: %(reason)s.") % _reason_said(params)]
    if params.get("note"):
        parts.append(_("Note from the moderation: %(note)s") % {"note": params["note"]})
    parts.append(_("You can revise it and submit it again."))
    return " ".join(parts)


# What authors are told, said in the language of the page they read it on (apps.py registers).
NOTIFICATION_TEXTS = {
    "comment_released": lambda p: _("Your comment has been released and is now public."),
    "comment_rejected": _comment_rejected,
    "comment_removed": lambda p: (
        _("Your comment was removed by the moderation. Reason: %(reason)s.") % _reason_said(p)
    ),
    "comment_restored": lambda p: _("Your comment is public again."),
}


def _tell_author(comment: Comment, kind: str, **params) -> None:
    if comment.author is not None:
        notify(
            user=comment.author,
            kind=kind,
            params={**params, **comment_place(comment)},
            url=comment.get_absolute_url(),
        )


def _publish(comment: Comment) -> None:
    tally_add(comment.paragraph_id, comments=1)
    announce_published(comment)


def _unpublish(comment: Comment) -> None:
    events_forget(comment=comment)
    tally_add(comment.paragraph_id, comments=-1)
    announce_removed(comment, reason=comment.moderation_reason)


def _resolve_flags(comment: Comment) -> None:
    comment.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def comment_release(*, moderator, comment: Comment) -> Comment:
    """Publish a pending comment."""
    _check_moderator(moderator)
    comment = _locked(comment, CommentStatus.PENDING)
    _mark(comment, CommentStatus.PUBLISHED, moderator)
    _publish(comment)
    _log(actor=moderator, action=ModerationActionKind.RELEASE, comment=comment)
    _decided(comment, ModerationActionKind.RELEASE, moderator)
    _tell_author(comment, "comment_released")
    reply_notify(comment)
    return comment


def comments_release_bulk(*, moderator, comment_ids: list[int]) -> tuple[int, list[str]]:
    """Release several pending comments; returns how many, and why the others were not."""
    released, problems = 0, []
    for comment in Comment.objects.filter(pk__in=comment_ids):
        try:
            comment_release(moderator=moderator, comment=comment)
            released += 1
        except ActionRefused as exc:
            problems.append(f"#{comment.pk}: {exc.message}")
    return released, problems


@transaction.atomic
def comment_reject(*, moderator, comment: Comment, reason: str, note: str = "") -> Comment:
    """Refuse a pending comment, with a reason the author sees (and may revise and resubmit)."""
    _check_moderator(moderator)
    reason, note = _reason(reason, note)
    comment = _locked(comment, CommentStatus.PENDING)
    _mark(comment, CommentStatus.REJECTED, moderator, reason, note)
    _log(
        actor=moderator,
        action=ModerationActionKind.REJECT,
        comment=comment,
        reason=reason,
        note=note,
    )
    _decided(comment, ModerationActionKind.REJECT, moderator)
    _tell_author(comment, "comment_rejected", reason=reason, note=note)
    return comment


@transaction.atomic
def comment_hide(*, moderator, comment: Comment, reason: str, note: str = "") -> Comment:
    """Remove a published (or report-hidden) comment; the public sees that and why."""
    _check_moderator(moderator)
    reason, note = _reason(reason, note)
    comment = _locked(comment, CommentStatus.PUBLISHED, CommentStatus.HIDDEN)
    if comment.status == CommentStatus.HIDDEN and comment.moderated_by_id is not None:
        raise ActionRefused(
            "invalid",
            _("Already decided by %(name)s.") % {"name": comment.moderated_by.get_username()},
        )
    was_public = comment.status == CommentStatus.PUBLISHED
    _mark(comment, CommentStatus.HIDDEN, moderator, reason, note)
    if was_public:
        _unpublish(comment)
    _resolve_flags(comment)
    _log(
        actor=moderator, action=ModerationActionKind.HIDE, comment=comment, reason=reason, note=note
    )
    _decided(comment, ModerationActionKind.HIDE, moderator)
    _tell_author(comment, "comment_removed", reason=reason)
    return comment


@transaction.atomic
def comment_restore(*, moderator, comment: Comment) -> Comment:
    """Publish a hidden or rejected comment again."""
    _check_moderator(moderator)
    comment = _locked(comment, CommentStatus.HIDDEN, CommentStatus.REJECTED)
    _mark(comment, CommentStatus.PUBLISHED, moderator)
    _publish(comment)
    _resolve_flags(comment)
    _log(actor=moderator, action=ModerationActionKind.RESTORE, comment=comment)
    _decided(comment, ModerationActionKind.RESTORE, moderator)
    _tell_author(comment, "comment_restored")
    return comment


@transaction.atomic
def reports_dismiss(*, moderator, comment: Comment) -> Comment:
    """Close the open reports of a comment as unfounded; a report-hidden comment reappears."""
    _check_moderator(moderator)
    comment = comment_lock(comment)
    if not comment.flags.filter(resolved_at__isnull=True).exists():
        raise ActionRefused("invalid", _("There are no open reports on this comment (any more)."))
    _resolve_flags(comment)
    if comment.status == CommentStatus.HIDDEN and comment.moderated_by_id is None:
        _mark(comment, CommentStatus.PUBLISHED, moderator)
        _publish(comment)
    _log(actor=moderator, action=ModerationActionKind.DISMISS, comment=comment)
    _decided(comment, ModerationActionKind.DISMISS, moderator)
    return comment


@transaction.atomic
def flag_create(*, user, comment: Comment, reason: str, note: str = "") -> Flag:
    """Report a comment. In post-moderated drafts, enough reports hide it until a moderator decides.

    The comment's row is locked before anything is checked or counted: concurrent reports queue
    there, so each counts the reports committed before it and exactly one crosses the threshold.
    """
    comment = comment_lock(comment)
    check_can_write(user=user, draft=comment.draft)
    ratelimit_hit(action="flag", ident=str(user.pk))
    reason, note = _reason(reason, note)
    if comment.author_id == user.pk:
        raise ActionRefused("invalid", _("You cannot report your own comment."))
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionRefused("invalid", _("Only published comments can be reported."))
    try:
        with transaction.atomic():
            flag = Flag.objects.create(comment=comment, reporter=user, reason=reason, note=note)
    except IntegrityError:
        raise ActionRefused(
            "invalid", _("You have reported this comment already. Thank you!")
        ) from None
    open_reports = (
        comment.flags.filter(resolved_at__isnull=True).values("reporter").distinct().count()
    )
    if (
        comment.draft.moderation == ModerationMode.POST
        and open_reports >= settings.AUTO_HIDE_REPORTS
        and comment.status == CommentStatus.PUBLISHED
    ):
        comment.status = CommentStatus.HIDDEN
        comment.moderation_reason = ""
        comment.save(update_fields=["status", "moderation_reason"])
        _unpublish(comment)
        ModerationAction.objects.create(
            actor=None,
            actor_name="",
            action=ModerationActionKind.AUTO_HIDE,
            comment=comment,
            draft=comment.draft,
            target_user=comment.author,
            target_name=comment.author.get_username() if comment.author else "",
            note=_("%(count)s reports") % {"count": open_reports},
        )
    events.broadcast_on_commit(
        draft=comment.draft,
        type="moderation.reported",
        data={"comment": comment.pk, "reports": open_reports, "status": comment.status},
        audience=events.MODERATORS,
    )
    return flag


@transaction.atomic
def comment_resubmit(*, user, comment: Comment, body: str) -> Comment:
    """The author revises a rejected comment; it goes back to the queue with its history."""
    comment = comment_lock(comment)
    if comment.author_id != user.pk:
        raise ActionRefused("forbidden", _("You can change only your own comments."))
    if comment.status != CommentStatus.REJECTED:
        raise ActionRefused(
            "invalid", _("Only a comment that was not released can be resubmitted.")
        )
    check_can_write(user=user, draft=comment.draft)
    text = comment_body_clean(body)
    CommentEdit.objects.create(comment=comment, body=comment.body, body_html=comment.body_html)
    comment.body, comment.body_html, comment.edited_at = text, render_comment(text), timezone.now()
    comment.status = CommentStatus.PENDING
    comment.save(update_fields=["body", "body_html", "edited_at", "status"])
    _log(actor=user, action=ModerationActionKind.RESUBMIT, comment=comment)
    announce_pending(comment)
    return comment


@transaction.atomic
def user_block(*, moderator, user, justification: str, until: datetime | None = None) -> UserBlock:
    """Block a user from writing; their pending comments are rejected with the justification."""
    _check_moderator(moderator)
    justification = normalize_text(justification or "")
    if user.pk == moderator.pk:
        raise ActionRefused("invalid", _("You cannot block yourself."))
    if user.is_superuser:
        raise ActionRefused("invalid", _("Administrators cannot be blocked."))
    if not justification:
        raise ActionRefused("invalid", _("Please write down why the user is blocked."))
    if len(justification) > MAX_NOTE:
        raise ActionRefused(
            "invalid",
            _("The justification is too long: at most %(max)s characters.") % {"max": MAX_NOTE},
        )
    if until is not None and until <= timezone.now():
        raise ActionRefused("invalid", _("The end of the block must lie in the future."))
    # Lock the person's row before asking for an active block: two moderators blocking at once
    # queue here, and the second sees the first one's block.
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    if active_block(user=user):
        raise ActionRefused("invalid", _("This user is blocked already."))
    block = UserBlock.objects.create(
        user=user, blocked_by=moderator, justification=justification, until=until
    )
    _log(actor=moderator, action=ModerationActionKind.BLOCK, user=user, note=justification)
    # Locked like any other decision, so that a moderator releasing one of them meanwhile
    # either wins before (it is no longer pending here) or waits and is told it was decided.
    waiting = Comment.objects.select_for_update(of=("self",)).filter(
        author=user, status=CommentStatus.PENDING
    )
    for comment in waiting.select_related("draft", "paragraph", "author"):
        _mark(comment, CommentStatus.REJECTED, moderator, "other", justification)
        _log(
            actor=moderator,
            action=ModerationActionKind.REJECT,
            comment=comment,
            reason="other",
            note=justification,
        )
        _decided(comment, ModerationActionKind.REJECT, moderator)
    notify(
        user=user,
        url=reverse("profile"),
        kind="account_blocked",
        params={"until": until.isoformat() if until else None, "justification": justification},
    )
    return block


@transaction.atomic
def user_unblock(*, moderator, block: UserBlock) -> UserBlock:
    _check_moderator(moderator)
    block = UserBlock.objects.select_for_update().get(pk=block.pk)
    if block.lifted_at is not None:
        raise ActionRefused("invalid", _("This block has been lifted already."))
    block.lifted_at, block.lifted_by = timezone.now(), moderator
    block.save(update_fields=["lifted_at", "lifted_by"])
    _log(actor=moderator, action=ModerationActionKind.UNBLOCK, user=block.user)
    notify(user=block.user, kind="account_unblocked", url=reverse("home"))
    return block


@transaction.atomic
def draft_set_moderation(*, user, draft: Draft, mode: str) -> Draft:
    """Switch pre- and post-moderation; pending comments stay in the queue either way."""
    if not is_working_group(user):
        raise ActionRefused(
            "forbidden", _("Only the working group may change the moderation mode.")
        )
    if mode not in ModerationMode.values:
        raise ActionRefused("invalid", _("Moderation must be “pre” or “post”."))
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.moderation != mode:
        draft.moderation = mode
        draft.save(update_fields=["moderation", "updated_at"])
        _log(actor=user, action=ModerationActionKind.MODE, draft=draft, note=mode)
    return draft
