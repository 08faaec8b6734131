"""The reading page and its plain forms; every form works without JavaScript and returns to #p-<key>."""

import json
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import events
from deliberation.confirming import confirm_page, confirmed
from deliberation.errors import ActionRefused
from deliberation.idempotency import form_write_once
from deliberation.reasons import reasons
from deliberation.roles import is_moderator, is_working_group
from drafts import selectors as draft_selectors
from drafts.anchoring import sentences
from drafts.diffing import word_diff_html
from drafts.models import Draft, Paragraph, paragraph_anchor, parse_paragraph_key

from . import pending_votes, selectors, services
from .forms import CommentForm
from .held import HELD_THANKS
from .models import Comment, anonymous_labels
from .serializers import comment_payload


def _paragraph(draft: Draft, key) -> Paragraph:
    """The draft's paragraph `key` (a UUID: the path's `<uuid:key>` converter), or 404."""
    return get_object_or_404(Paragraph, draft=draft, key=key)


def _mark_carried(draft: Draft, paragraph: Paragraph, comments: list[Comment]) -> None:
    """Give each comment written on a paragraph this one replaced the diff from the text it
    was written on (in its version) to this paragraph's text, as `carried_diff`."""
    carried = [c for c in comments if c.paragraph_id != paragraph.pk]
    texts = draft_selectors.paragraph_texts(
        draft=draft, wanted={(str(c.paragraph.key), c.version) for c in carried}
    )
    for comment in carried:
        old = texts.get((str(comment.paragraph.key), comment.version), comment.paragraph.text)
        comment.carried_diff = word_diff_html(old, paragraph.text)


def _thread_context(request, draft, paragraph, form=None):
    order = request.GET.get("order", "newest")
    page_obj, threads = selectors.paragraph_threads(
        user=request.user, paragraph=paragraph, order=order, page=request.GET.get("page", 1)
    )
    _mark_carried(draft, paragraph, [c for t in threads for c in (t.comment, *t.replies)])
    ids = [t.comment.pk for t in threads] + [r.pk for t in threads for r in t.replies]
    return {
        "thread_key": str(paragraph.key),
        "threads": threads,
        "page_obj": page_obj,
        "order": order,
        "orders": [
            ("newest", _("newest first")),
            ("oldest", _("oldest first")),
            ("supported", _("most supported first")),
        ],
        "supported": selectors.user_supports(user=request.user, comment_ids=ids),
        "reported": selectors.user_reported(user=request.user, comment_ids=ids),
        "feedback": request.session.pop(FEEDBACK_KEY, None),
        "form": form or CommentForm(paragraph_key=str(paragraph.key)),
        "sentences": sentences(paragraph.text),
        "thread_paragraph": paragraph,
        "reasons": reasons(),
    }


FEEDBACK_KEY = "comment_feedback"  # the answer to a form about one comment, for the next page


def comment_feedback(
    request, *, draft: Draft, comment: Comment, text: str, error: bool = False, gone: bool = False
):
    """Answer a form about one comment (report, edit, delete) next to that comment.

    From the page's script (header `X-Requested-With: fetch`): the comment's new HTML with
    `text` in it, for the script to swap in where the person is (status 400 when `error`).
    Without script: back to the comment's anchor (`gone`: to its thread's, as a deleted comment
    without replies is no longer listed), where the page shows `text` beside it.
    """
    feedback = {"comment": None if gone else comment.pk, "text": text, "error": error}
    if request.headers.get("X-Requested-With") == "fetch":
        fresh = selectors.comment_find(pk=comment.pk, with_answer=True)
        context = {
            "c": fresh,
            "draft": draft,
            "reasons": reasons(),
            "supported": selectors.user_supports(user=request.user, comment_ids=[fresh.pk]),
            "reported": selectors.user_reported(user=request.user, comment_ids=[fresh.pk]),
            "feedback": {**feedback, "comment": fresh.pk},
        }
        return render(request, "comments/_comment.html", context, status=400 if error else 200)
    request.session[FEEDBACK_KEY] = feedback
    if not gone:
        return redirect(comment.get_absolute_url())
    key = comment.paragraph.current_id or comment.paragraph.key
    return redirect(draft.thread_url(key, anchor=f"thread-{key}"))


TEMPLATE_PK = 999_999_999  # stands for the comment's id in the page's <template>
# Stands for its paragraph's key: UUID-shaped, as the addresses' <uuid:key> takes only UUIDs.
TEMPLATE_KEY = "00000000-0000-4000-8000-000000000000"


def comment_template(draft: Draft) -> SimpleNamespace:
    """A stand-in comment: the page renders _comment.html with it once, inside a <template>,
    and the live script fills in each new comment, so the markup has a single source."""
    return SimpleNamespace(
        pk=TEMPLATE_PK,
        depth=0,
        status="published",
        author_id=-1,
        names_author=True,
        version=draft.version,
        author=SimpleNamespace(get_username="__AUTHOR__"),
        created_at=timezone.now(),
        edited_at=None,
        support_count=0,
        body_html="",
        is_editable=False,
        parent_id=None,
        paragraph=SimpleNamespace(key=TEMPLATE_KEY, current_id=TEMPLATE_KEY),
        # The script drops the quote of a comment that has none.
        quote_exact="__QUOTE__",
        quote_prefix="",
        quote_suffix="",
        quote_start=None,
        quote_end=None,
        quote_anchored=True,
    )


def draft_detail(request, slug, form=None, form_key=None, status=200):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    # Read the event position before the state: a client resumes from here, so nothing is lost.
    seq = events.latest_seq(events.stream_name(draft))
    requested = request.GET.get("version")
    try:
        number = int(requested) if requested else draft.version
    except ValueError:
        raise Http404(requested) from None
    paragraphs = draft_selectors.paragraphs_at_version(draft=draft, number=number)
    is_current = number == draft.version
    open_key = form_key or parse_paragraph_key(request.GET.get("thread"))
    counts = selectors.paragraph_counts(draft=draft) if is_current else {}
    my_votes = selectors.user_votes(user=request.user, draft=draft) if is_current else {}
    # Comments on removed paragraphs show at their former place, after the paragraph before it.
    removed: dict[str | None, list] = {}
    if is_current:
        for group in selectors.removed_paragraph_threads(user=request.user, draft=draft):
            removed.setdefault(group.after, []).append(group)
    rows = [
        {
            "p": p,
            "counts": counts.get(p.key, selectors.EMPTY_COUNTS),
            "my_vote": my_votes.get(p.pk),
            "removed": removed.get(p.key, []),
        }
        for p in paragraphs
    ]
    context = {
        "draft": draft,
        "rows": rows,
        "removed_first": removed.get(None, []),
        "number": number,
        "is_current": is_current,
        "headings": [p for p in paragraphs if p.is_heading],
        "can_edit": is_working_group(request.user),
        "is_moderator": is_moderator(request.user),
        "open_key": open_key,
        "seq": seq,
        "comment_template": comment_template(draft) if is_current else None,
        "reasons": reasons(),
        "reason_labels_json": json.dumps(dict(reasons()), ensure_ascii=False),
        "anonymous_labels_json": json.dumps(anonymous_labels(), ensure_ascii=False),
        # The live script writes dates of inserted comments exactly like _comment.html does.
        "datetime_format": get_format("SHORT_DATETIME_FORMAT"),
        "time_zone": timezone.get_current_timezone_name(),
    }
    if is_current and open_key:
        paragraph = next((p for p in paragraphs if p.key == open_key), None)
        if paragraph is not None:
            context.update(_thread_context(request, draft, _paragraph(draft, open_key), form))
    return render(request, "comments/draft_detail.html", context, status=status)


def thread_fragment(request, slug, key):
    """One paragraph's thread as an HTML fragment, for the page's script to insert."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    paragraph = _paragraph(draft, key)
    return render(
        request,
        "comments/_thread.html",
        {"draft": draft, **_thread_context(request, draft, paragraph)},
    )


def _refused(request, exc: ActionRefused, next_url: str):
    """Back to `next_url` with the refusal as a message; to the login page (and back) when the
    refusal is that nobody is logged in."""
    if exc.code == "not_authenticated":
        return redirect_to_login(next_url)
    messages.error(request, exc.message)
    return redirect(next_url)


@require_POST
def comment_post(request, slug, key):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    paragraph = _paragraph(draft, key)
    back = draft.thread_url(paragraph.key)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    form = CommentForm(request.POST, paragraph_key=str(paragraph.key))
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = selectors.comment_find(pk=form.cleaned_data["parent"], draft=draft)
            if parent is None:
                form.add_error(
                    None, _("The comment you wanted to answer does not exist (any more).")
                )
        if not form.errors:
            try:
                # The same answer as the websocket's: a double submit of this form writes once.
                answer = form_write_once(
                    request,
                    lambda: {
                        "comment": comment_payload(
                            services.comment_create(
                                user=request.user,
                                paragraph=paragraph,
                                body=form.cleaned_data["body"],
                                parent=parent,
                                quote=form.cleaned_quote(),
                            )
                        )
                    },
                )
            except ActionRefused as exc:
                # Next to the text when the page shows the paragraph's form (not for a heading
                # or a removed paragraph: then as a message above the page).
                if exc.code == "invalid" and not (
                    paragraph.archived or paragraph.kind == "heading"
                ):
                    form.add_error("quote" if exc.field == "quote" else "body", exc.message)
                else:
                    return _refused(request, exc, back)
            else:
                comment = answer["comment"]
                if comment["status"] == "held":
                    messages.info(request, HELD_THANKS)
                elif comment["status"] == "pending":
                    messages.info(
                        request,
                        _(
                            "Thank you! Your comment will appear once the moderation has released it."
                        ),
                    )
                return redirect(draft.thread_url(paragraph.key, anchor=f"c-{comment['id']}"))
    # Show the form again with the text kept and the error next to it.
    return draft_detail(request, slug, form=form, form_key=str(paragraph.key), status=400)


def _draft_comment(request, slug, pk) -> tuple[Draft, Comment]:
    """The draft (as this person may see it) and its comment `pk`, or 404. Whose comment it is
    is the service's to check (comment_edit, comment_delete refuse others' comments)."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    comment = selectors.comment_find(pk=pk, draft=draft)
    if comment is None:
        raise Http404(pk)
    return draft, comment


@require_POST
def comment_edit(request, slug, pk):
    draft, comment = _draft_comment(request, slug, pk)
    back = comment.get_absolute_url()
    try:
        services.comment_edit(user=request.user, comment=comment, body=request.POST.get("body", ""))
    except ActionRefused as exc:
        if exc.code == "not_authenticated":
            return redirect_to_login(back)
        return comment_feedback(request, draft=draft, comment=comment, text=exc.message, error=True)
    return comment_feedback(
        request, draft=draft, comment=comment, text=_("Your comment has been changed.")
    )


@require_POST
def comment_delete(request, slug, pk):
    draft, comment = _draft_comment(request, slug, pk)
    back = comment.get_absolute_url()
    if not confirmed(request):
        return confirm_page(
            request,
            question=_("Your comment will be deleted for everyone. This cannot be undone."),
            yes=_("Yes, delete my comment"),
            back=comment.get_absolute_url(),
        )
    try:
        services.comment_delete(user=request.user, comment=comment)
    except ActionRefused as exc:
        if exc.code == "not_authenticated":
            return redirect_to_login(back)
        return comment_feedback(request, draft=draft, comment=comment, text=exc.message, error=True)
    return comment_feedback(
        request, draft=draft, comment=comment, text=_("Your comment has been deleted."), gone=True
    )


@require_POST
def vote_post(request, slug, key):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    paragraph = _paragraph(draft, key)
    back = f"{draft.get_absolute_url()}#{paragraph_anchor(paragraph.key)}"
    choice = request.POST.get("choice", "")
    if not request.user.is_authenticated and choice in ("agree", "disagree", "neutral"):
        # Kept for after the login (or sign-up), which then brings the person back here.
        pending_votes.vote_remember(request=request, paragraph=paragraph, choice=choice)
        messages.info(
            request,
            _("Please log in or sign up to vote. Your vote will be counted right after that."),
        )
        return redirect_to_login(back)
    try:
        form_write_once(
            request,
            lambda: {
                "paragraph": str(paragraph.key),
                **services.vote_cast(user=request.user, paragraph=paragraph, choice=choice),
            },
        )
    except ActionRefused as exc:
        return _refused(request, exc, back)
    return redirect(back)


@require_POST
def support_post(request, slug, pk):
    _, comment = _draft_comment(request, slug, pk)
    back = comment.get_absolute_url()
    try:
        form_write_once(
            request,
            lambda: {
                "comment": comment.pk,
                "supports": services.comment_support(
                    user=request.user, comment=comment, on=request.POST.get("on") == "1"
                ),
            },
        )
    except ActionRefused as exc:
        return _refused(request, exc, back)
    return redirect(back)
