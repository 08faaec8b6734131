"""The working group's answers to comments: write, publish, take back. Readers see them live.

An answer is internal (a draft for the working group) until it is published; then it shows under
its comment as "Antwort des Arbeitskreises" and every reader of the draft gets `comment.updated`
with the comment's payload, which carries the answer. Each write locks the comment row, so two
members of the working group answering the same comment at once write one answer, one after
the other, and never two.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.announcements import announce_updated
from comments.models import Comment, CommentStatus
from comments.services import comment_lock
from deliberation.errors import ActionRefused
from deliberation.roles import is_working_group, role_check
from deliberation.sanitizing import normalize_text, render_comment

from . import answer_selectors
from .models import MAX_REPLY_CHARS, Answer, Disposition
from .notices import answers_notify, answers_published_notify

logger = logging.getLogger(__name__)

# Only "noted" may stand without a word of explanation; every other decision needs a reason.
REPLY_OPTIONAL = {Disposition.NOTED}


def check_working_group(user) -> None:
    """Refuse anyone outside the working group: ActionRefused "not_authenticated" or "forbidden"."""
    role_check(user, is_working_group, _("Only the working group may answer comments."))


def _locked(comment: Comment) -> Comment:
    """The comment, locked, and refused unless it is published (answers are public in the end)."""
    comment = comment_lock(comment)
    refusals = {
        CommentStatus.PENDING: _("This comment has not been released yet: it cannot be answered."),
        CommentStatus.HELD: _(
            "This comment waits for its author to confirm the e-mail address: it cannot be "
            "answered yet."
        ),
        CommentStatus.REJECTED: _("This comment was not released: it cannot be answered."),
        CommentStatus.DELETED: _("The author has deleted this comment: it cannot be answered."),
        CommentStatus.HIDDEN: _(
            "This comment was removed by the moderation: it cannot be answered."
        ),
    }
    if comment.status in refusals:
        raise ActionRefused("invalid", refusals[comment.status])
    return comment


def clean_answer(
    *, comment: Comment, disposition: str, reply: str, version
) -> tuple[str, str, int | None]:
    """(disposition, reply text, version taken up) checked for an answer to `comment`; raises
    ActionRefused("invalid") with the reason (no disposition, a reason missing, too long, a
    version that does not exist or is older than the comment)."""
    if disposition not in Disposition.values:
        raise ActionRefused("invalid", _("Choose how the comment was dealt with."))
    text = normalize_text(reply or "")
    if not text and disposition not in REPLY_OPTIONAL:
        raise ActionRefused(
            "invalid",
            _("Please write a reply: only “noted” may stand without an explanation."),
        )
    if len(text) > MAX_REPLY_CHARS:
        raise ActionRefused(
            "invalid",
            _("The reply is too long: %(length)s characters, at most %(max)s are allowed.")
            % {"length": len(text), "max": MAX_REPLY_CHARS},
        )
    if version in (None, ""):
        return disposition, text, None
    try:
        number = int(version)
    except (TypeError, ValueError):
        number = None
    if number is None or not comment.draft.versions.filter(number=number).exists():
        raise ActionRefused(
            "invalid", _("Version %(number)s of this draft does not exist.") % {"number": version}
        )
    if number < comment.version:
        raise ActionRefused(
            "invalid",
            _(
                "The comment was written on version %(written)s; "
                "an earlier version cannot have taken it up."
            )
            % {"written": comment.version},
        )
    return disposition, text, number


def announce_answer(comment: Comment, answer: Answer) -> None:
    """Tell every reader of the draft: the comment's payload now carries (or lost) the answer."""
    comment.answer = answer  # the payload reads it from here, without another query
    announce_updated(comment, with_answer=True)


@transaction.atomic
def answer_save(
    *,
    user,
    comment: Comment,
    disposition: str,
    reply: str,
    version: int | str | None = None,
    publish: bool = False,
) -> Answer:
    """Write or change the answer to a comment; with `publish`, readers see it at once.

    Changing a published answer keeps it published and updates it for readers live.
    """
    check_working_group(user)
    comment = _locked(comment)
    disposition, text, number = clean_answer(
        comment=comment, disposition=disposition, reply=reply, version=version
    )
    answer = Answer.objects.filter(comment=comment).first() or Answer(comment=comment)
    changed = (
        answer.pk is None
        or (answer.disposition, answer.reply, answer.version_taken_up)
        != (disposition, text, number)
        or (publish and answer.published_at is None)
    )
    if not changed:
        return answer
    answer.group = None  # answered on its own now, no longer by a group answer
    answer.disposition, answer.reply, answer.reply_html = disposition, text, render_comment(text)
    answer.version_taken_up, answer.author = number, user
    newly_published = publish and answer.published_at is None
    if newly_published:
        answer.published_at = timezone.now()
    answer.save()
    logger.info(
        "answer to comment %s by %s: %s%s",
        comment.pk,
        user.get_username(),
        disposition,
        " (published)" if answer.published_at else "",
    )
    if answer.published_at is not None:
        announce_answer(comment, answer)
    if newly_published:
        answers_notify([comment])
    return answer


@transaction.atomic
def answer_unpublish(*, user, answer: Answer) -> Answer:
    """Take a published answer back into the working group (readers see it disappear)."""
    check_working_group(user)
    answer = Answer.objects.select_for_update().select_related("comment__draft").get(pk=answer.pk)
    if answer.published_at is None:
        raise ActionRefused("invalid", _("This answer is not published."))
    answer.published_at = None
    answer.save(update_fields=["published_at", "updated_at"])
    logger.info("answer to comment %s withdrawn by %s", answer.comment_id, user.get_username())
    comment = Comment.objects.select_related("draft", "paragraph", "author").get(
        pk=answer.comment_id
    )
    announce_answer(comment, answer)
    return answer


def answers_publish_drafted(*, user, draft, shown: str | None = None) -> int:
    """Publish every drafted answer to the published comments of `draft` at once (the answer
    table, when the working group is done). One UPDATE here; the authors are told by the
    worker (answers_published_notify), so the request stays short for thousands. Readers see
    the answers when they load the page. Returns how many were published.

    `shown`: the ids_fingerprint of the drafted answers the person saw (the page's button says
    how many); when they differ now (a colleague drafted or published one since), nothing is
    published: ActionRefused("invalid") saying so."""
    check_working_group(user)
    now = timezone.now()
    with transaction.atomic():
        drafted = Answer.objects.select_for_update().filter(
            pk__in=answer_selectors.drafted_answer_ids(draft=draft)
        )
        ids = list(drafted.values_list("pk", flat=True))
        if shown is not None and answer_selectors.ids_fingerprint(ids) != shown:
            raise ActionRefused(
                "invalid",
                ngettext(
                    "The drafted answers have changed since you saw the page: there is %(count)s now. Nothing was published; check and press again.",
                    "The drafted answers have changed since you saw the page: there are %(count)s now. Nothing was published; check and press again.",
                    len(ids),
                )
                % {"count": len(ids)},
            )
        count = Answer.objects.filter(pk__in=ids, published_at__isnull=True).update(
            published_at=now
        )
        if not count:
            return 0
        # In the same transaction: the task exists exactly when the answers are published.
        # It finds them by draft and moment (one statement here, however many answers).
        answers_published_notify.enqueue(draft_id=draft.pk, published_at=now.isoformat())
    logger.info("%s answers to %s published by %s", count, draft.slug, user.get_username())
    return count
