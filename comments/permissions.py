"""Who may write what. Reading needs no account; writing needs an open draft and an account."""

from django.utils.translation import gettext as _

from deliberation.errors import ActionRefused
from deliberation.roles import is_moderator
from drafts.models import Draft, DraftStatus


def check_can_write(*, user, draft: Draft) -> None:
    """Refuse a citizen's write with the reason, in the order a person would want to hear it."""
    if not user.is_authenticated:
        raise ActionRefused("not_authenticated", _("Please log in to take part."))
    if not user.is_active:
        raise ActionRefused("forbidden", _("This account is deactivated."))
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
