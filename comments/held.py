"""Comments held until their author confirms the e-mail address (issue 16).

With ACCOUNT_EMAIL_CONFIRMATION=mandatory, a person who has not confirmed yet may write: the
comment or reply is stored with status `held` ("waiting for confirmation of your e-mail
address"), shown to its author only, counted nowhere and announced to nobody. Once the address
is confirmed (deliberation.accounts.confirmation.account_confirmed, from the mail's link or
`manage.py confirm_email`), each held comment goes the way a new one goes: published (counted,
`comment.created` to every reader) or, on a pre-moderated draft, into the moderation queue.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deliberation.accounts.confirmation import must_wait
from drafts.models import Draft

from .announcements import announce_new
from .models import Comment, CommentStatus
from .notices import reply_notify
from .tally import tally_add

# What the author is told after writing a held comment (page message; live.js: data-held).
HELD_THANKS = _(
    "Thank you! Your comment is saved. It is published once you have confirmed your e-mail "
    "address: open the link in the mail we sent you."
)


def new_comment_status(*, user, draft: Draft, confirmed: bool | None = None) -> str:
    """The status a comment `user` writes now on `draft` starts in: held while their address
    waits for confirmation, else pending (pre-moderated draft) or published. `confirmed`: see
    `must_wait`."""
    if must_wait(user, confirmed=confirmed):
        return CommentStatus.HELD
    return CommentStatus.PENDING if draft.is_pre_moderated else CommentStatus.PUBLISHED


def comment_go_public(comment: Comment) -> None:
    """Count and announce a comment that has just become published or pending (a new one, or a
    held one released), inside the writing transaction."""
    if comment.status == CommentStatus.PUBLISHED:
        tally_add(comment.paragraph_id, comments=1)
    announce_new(comment)
    reply_notify(comment)  # a published reply: its comment's author is told


@transaction.atomic
def held_release(*, user) -> int:
    """Publish everything `user` wrote while waiting for the confirmation, oldest first (so a
    reply follows its comment): published, or pending on a pre-moderated draft. Also when the
    consultation has closed since: it was written in time. Returns how many were released."""
    held = (
        Comment.objects.select_for_update(of=("self",))
        .filter(author=user, status=CommentStatus.HELD)
        .select_related("draft", "paragraph", "author")
        .order_by("created_at", "pk")
    )
    released = 0
    for comment in held:
        comment.status = (
            CommentStatus.PENDING if comment.draft.is_pre_moderated else CommentStatus.PUBLISHED
        )
        comment.save(update_fields=["status"])
        comment_go_public(comment)
        released += 1
    return released
