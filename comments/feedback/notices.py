"""What the working group's answers tell the authors of comments: "the working group answered
your comment". Registered in FeedbackConfig.ready; sent by the platform's notifications."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.models import Comment
from comments.notices import comment_place, comment_url, excerpt
from deliberation.models import Notification
from deliberation.notifications import Note, notify_many, topic_register

from .models import Disposition

KIND = "answer_published"


def _answered(params: dict) -> str:
    return _("The working group answered your comment on “%(draft)s”: %(disposition)s.") % {
        "draft": params.get("draft_title", ""),
        "disposition": Disposition(params["disposition"]).label
        if params.get("disposition") in Disposition.values
        else "",
    }


def _answered_details(params: dict) -> dict:
    return {"quote": params.get("reply", "")}


TEXTS = {KIND: _answered}
DETAILS = {KIND: _answered_details}


def topics_register() -> None:
    topic_register("answers", label=gettext_lazy("Answers of the working group to my comments"))


def answers_notify(comments: list[Comment]) -> int:
    """Tell each author (with an account) that the answer to their comment is published now;
    `comments` with their `answer` loaded, draft and paragraph too. One batch for all (a group
    answer to 500 comments costs a few queries). Returns how many were told."""
    told = set(
        Notification.objects.filter(
            kind=KIND, params__comment__in=[c.pk for c in comments]
        ).values_list("params__comment", flat=True)
    )  # published, withdrawn and published again: once is enough
    notes = [
        Note(
            c.author_id,
            KIND,
            {
                **comment_place(c),
                "disposition": c.answer.disposition,
                "reply": excerpt(c.answer.reply, 500),
            },
            comment_url(c),
        )
        for c in comments
        if c.author_id is not None and c.pk not in told
    ]
    return len(notify_many(notes))
