"""What comments tell their authors: where a comment is, and that someone replied to it.

The notification machinery is the platform's (deliberation.notifications); this module holds
the comments' kinds and the parameters every comment notice carries (draft title, paragraph
excerpt, permalink), so that digests group them by draft and paragraph.
"""

import html
import re

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation.models import Notification
from deliberation.notifications import Note, notify, notify_many, topic_register
from drafts.diffing import word_diff_html
from drafts.models import Paragraph

from .models import Comment, CommentStatus, ParagraphVote

EXCERPT = 80


def excerpt(text: str, length: int = EXCERPT) -> str:
    """The first words of `text`, at most `length` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def comment_place(comment: Comment) -> dict:
    """The parameters that place a notice about `comment`: draft title, paragraph excerpt."""
    return {
        "draft_title": comment.draft.title,
        "paragraph_excerpt": excerpt(comment.paragraph.text),
        "comment": comment.pk,
    }


def _reply(params: dict) -> str:
    return _("%(name)s replied to your comment on “%(draft)s”.") % {
        "name": params.get("name") or _("Someone"),
        "draft": params.get("draft_title", ""),
    }


def _reply_details(params: dict) -> dict:
    return {"quote": params.get("body", "")}


TEXTS = {"comment_reply": _reply}
DETAILS = {"comment_reply": _reply_details}


def topics_register() -> None:
    topic_register("replies", label=gettext_lazy("Replies to my comments"))
    topic_register(
        "versions",
        label=gettext_lazy("New versions that change a paragraph I commented on or voted on"),
    )


def reply_notify(reply: Comment) -> None:
    """Tell the author of the comment `reply` answers (once, when the reply becomes public;
    nobody is told of their own reply)."""
    if reply.parent_id is None or reply.status != CommentStatus.PUBLISHED:
        return
    parent = reply.parent
    if parent.author_id is None or parent.author_id == reply.author_id:
        return
    if parent.status != CommentStatus.PUBLISHED:
        return
    told = Notification.objects.filter(
        user_id=parent.author_id, kind="comment_reply", params__reply=reply.pk
    )
    if told.exists():  # released again after a removal: once is enough
        return
    notify(
        user=parent.author,
        kind="comment_reply",
        params={
            **comment_place(reply),
            "reply": reply.pk,
            "name": reply.author.get_username() if reply.author else "",
            "body": excerpt(reply.body, 500),
        },
        url=reply.get_absolute_url(),
    )


# --- a paragraph I commented on or voted on changed in a new version ---------------------------

_DIFF_MARK = re.compile(r'<(del|ins)><span class="visually-hidden">[^<]*</span>(.*?)</\1>', re.S)


def diff_details(old_text: str, new_text: str) -> dict:
    """The word diff of a paragraph for a notice: {"diff_html" (marked, escaped), "diff_text"
    ("[-deleted-] {+inserted+}")}, or {} when the texts are the same."""
    if not old_text or not new_text or old_text == new_text:
        return {}
    marked = word_diff_html(old_text, new_text)
    plain = _DIFF_MARK.sub(
        lambda m: ("[-%s-]" if m.group(1) == "del" else "{+%s+}") % m.group(2), marked
    )
    return {"diff_html": mark_safe(marked), "diff_text": html.unescape(plain)}


def _changed(params: dict) -> str:
    return _(
        "Version %(number)s of “%(draft)s” changed a paragraph you commented on or voted on."
    ) % {
        "number": params.get("number", "?"),
        "draft": params.get("draft_title", ""),
    }


def _changed_details(params: dict) -> dict:
    return diff_details(params.get("old_text", ""), params.get("new_text", ""))


def paragraphs_changed_notify(*, draft, number: int, successors: dict, old_texts: dict) -> int:
    """After version `number` of `draft`: tell everyone who commented on or voted on a paragraph
    whose text changed, once per paragraph, with its word diff. Returns notices written."""
    new_keys = {key: new for key, new in successors.items() if new}
    live = dict(
        Paragraph.objects.filter(
            draft=draft, archived=False, key__in=set(new_keys.values())
        ).values_list("key", "text")
    )
    live = {str(key): text for key, text in live.items()}
    changed = {
        old: new
        for old, new in new_keys.items()
        if old in old_texts and live.get(new) is not None and live[new] != old_texts[old]
    }
    if not changed:
        return 0
    people: dict[str, set[int]] = {}
    comments = Comment.objects.filter(
        draft=draft, paragraph__key__in=changed, author__isnull=False
    ).exclude(status__in=[CommentStatus.DELETED])
    for key, user_id in comments.values_list("paragraph__key", "author_id"):
        people.setdefault(str(key), set()).add(user_id)
    votes = ParagraphVote.objects.filter(paragraph__draft=draft, paragraph__key__in=changed)
    for key, user_id in votes.values_list("paragraph__key", "user_id"):
        people.setdefault(str(key), set()).add(user_id)
    notes = []
    for old, user_ids in people.items():
        new = changed[old]
        params = {
            "draft_title": draft.title,
            "paragraph_excerpt": excerpt(live[new]),
            "number": number,
            "old_text": old_texts[old],
            "new_text": live[new],
        }
        url = f"{draft.get_absolute_url()}#p-{new}"
        notes.extend(
            Note(user_id, "paragraph_changed", params, url) for user_id in sorted(user_ids)
        )
    return len(notify_many(notes))


VERSION_TEXTS = {"paragraph_changed": _changed}
VERSION_DETAILS = {"paragraph_changed": _changed_details}


def reply_notices_forget(*, comment_ids: list[int]) -> int:
    """Delete the notifications that told others of the replies `comment_ids` (they name the
    replier and quote the reply), when the replier's account is deleted. Returns how many."""
    if not comment_ids:
        return 0
    told = Notification.objects.filter(kind="comment_reply", params__reply__in=comment_ids)
    return told.delete()[0]
