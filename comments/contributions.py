"""“Meine Beiträge”: everything a person contributed, what became of it and what changed since.

Reads only (a selector): their comments and replies with status, the working group's published
answer, the version each was written on and the word diff of its paragraph from that version to
the current one; their votes and the comments they support. A few queries per page, not per row.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from drafts.selectors import paragraph_texts

from .models import Comment, CommentStatus, CommentSupport, ParagraphVote
from .notices import diff_details, excerpt

LIMIT = 500  # per list: a person with more sees the newest (the data download has them all)


@dataclass
class MyComment:
    comment: Comment
    url: str
    answer: object | None  # the published answer (feedback.Answer) or None
    changed: dict = field(default_factory=dict)  # diff_details() since the version written on
    diff_url: str = ""


def contributions_of(*, user) -> dict:
    """{"comments": [MyComment], "votes": [ParagraphVote], "supports": [CommentSupport]},
    newest first, at most LIMIT each."""
    comments = list(
        Comment.objects.filter(author=user)
        .exclude(status=CommentStatus.DELETED)
        .select_related("draft", "paragraph", "parent", "answer")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    wanted: dict[int, set] = {}
    drafts = {}
    for comment in comments:
        draft = comment.draft
        if comment.version < draft.version and comment.paragraph.current_id:
            drafts[draft.pk] = draft
            pairs = wanted.setdefault(draft.pk, set())
            pairs.add((str(comment.paragraph.key), comment.version))
            pairs.add((str(comment.paragraph.current_id), draft.version))
    texts = {}
    for draft_pk, pairs in wanted.items():
        for (key, number), text in paragraph_texts(draft=drafts[draft_pk], wanted=pairs).items():
            texts[(draft_pk, key, number)] = text
    mine = []
    for comment in comments:
        answer = getattr(comment, "answer", None)
        if answer is not None and answer.published_at is None:
            answer = None  # the working group's draft is internal
        item = MyComment(comment=comment, url=comment.get_absolute_url(), answer=answer)
        draft = comment.draft
        if comment.version < draft.version and comment.paragraph.current_id:
            item.changed = diff_details(
                texts.get((draft.pk, str(comment.paragraph.key), comment.version), ""),
                texts.get((draft.pk, str(comment.paragraph.current_id), draft.version), ""),
            )
            if item.changed:
                item.diff_url = reverse(
                    "draft_diff",
                    kwargs={"slug": draft.slug, "a": comment.version, "b": draft.version},
                )
        mine.append(item)
    votes = list(
        ParagraphVote.objects.filter(user=user)
        .select_related("paragraph__draft")
        .order_by("-updated_at", "-pk")[:LIMIT]
    )
    for vote in votes:
        vote.excerpt = excerpt(vote.paragraph.text)
    supports = list(
        CommentSupport.objects.filter(user=user)
        .select_related("comment__draft", "comment__paragraph")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    for support in supports:
        support.url = support.comment.get_absolute_url()
    return {"comments": mine, "votes": votes, "supports": supports}
