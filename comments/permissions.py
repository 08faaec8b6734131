"""Who may write what. Reading needs no account; writing needs an open draft and an account."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deliberation.errors import ActionRefused
from deliberation.roles import is_moderator
from drafts.models import Draft, DraftStatus, Paragraph, ParagraphKind


def blocks_in_force(*, user, now: datetime | None = None) -> QuerySet:
    """The blocks (moderation.UserBlock) that keep `user` from writing now, as a queryset (for
    an `Exists`, say). Read through the account's reverse relation `blocks`, so comments needs
    no import from the moderation app that depends on it."""
    now = now or timezone.now()
    return user.blocks.filter(lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=now)
    )


def active_block(*, user, now: datetime | None = None):
    """The block (a moderation.UserBlock) that keeps `user` from writing now, if any."""
    return blocks_in_force(user=user, now=now).order_by("-created_at").first()


def check_can_write(*, user, draft: Draft, blocked: bool | None = None) -> None:
    """Refuse a citizen's write with the reason, in the order a person would want to hear it.

    `blocked`: whether the person has any block at all (lifted or over, too), when the caller
    read that already: False, and no block is looked for; None (or True): asked here."""
    if not user.is_authenticated:
        raise ActionRefused("not_authenticated", _("Please log in to take part."))
    if not user.is_active:
        raise ActionRefused("forbidden", _("This account is deactivated."))
    block = active_block(user=user) if blocked is not False else None
    if block is not None:
        if block.until:
            end = date_format(timezone.localtime(block.until), "DATETIME_FORMAT")
            message = _(
                "Your account is blocked from writing until %(end)s. You can still read everything."
            ) % {"end": end}
        else:
            message = _("Your account is blocked from writing. You can still read everything.")
        raise ActionRefused("forbidden", message)
    status = draft.status
    if status != DraftStatus.CONSULTATION:
        if status == DraftStatus.PREPARATION:
            message = _("The consultation on this draft has not started yet.")
        else:
            message = _("The consultation on this draft is closed. You can still read everything.")
        raise ActionRefused("closed", message)


def can_see_unreleased(*, user) -> bool:
    """Moderators see pending, rejected and hidden comments; citizens only their own."""
    return is_moderator(user)


def check_paragraph_open(paragraph: Paragraph) -> None:
    """Refuse a comment or vote on a paragraph no page offers it on: raises ActionRefused."""
    if paragraph.archived:
        raise ActionRefused(
            "invalid", _("This paragraph is not part of the current version any more.")
        )
    if paragraph.kind == ParagraphKind.HEADING:
        raise ActionRefused(
            "invalid",
            _("Headings cannot be commented on or voted on. Choose a paragraph below it."),
        )
