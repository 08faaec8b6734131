"""The working group's pages: answering comments, the summary, exports, the answer table, and the
public results. Every form is a plain POST form; the summary's live banner is an extra."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comments.models import Channel, Comment
from comments.search import MAX_QUERY_CHARS, query_words, search_language
from comments.selectors import comment_find, vote_snapshot
from deliberation import events
from deliberation.errors import ActionRefused
from deliberation.roles import (
    is_working_group,
    staff_role_required,
    working_group_required,
)
from drafts import selectors as draft_selectors
from drafts.models import Draft, DraftStatus, parse_paragraph_key

from . import answer_selectors, exports, selectors
from . import services as answers
from .group_selectors import draft_themes, more_filters
from .group_services import MAX_GROUP, reply_with_block
from .group_views import bulk_form_values, chosen_block, group_context, list_url
from .models import Answer, Disposition, Handling
from .summaries import bar_chart, stacked_rows

RESULTS_STATUSES = (DraftStatus.CLOSED, DraftStatus.FINAL)


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _versions(draft: Draft) -> list[int]:
    return list(draft.versions.order_by("number").values_list("number", flat=True))


# Answering ---------------------------------------------------------------------------------------


def triage_filters(params, *, user) -> dict:
    """The answer list's filters from a query dict (its form's fields), for
    answer_selectors.triage_comments: the bulk actions on "all comments of this list" read them too."""
    disposition = params.get("disposition", "")
    if disposition not in (*Disposition.values, answer_selectors.UNANSWERED):
        disposition = ""
    return {
        "paragraph_key": parse_paragraph_key(params.get("paragraph")) or "",
        "disposition": disposition,
        "version": _int_or_none(params.get("version")),
        "taken_up": _int_or_none(params.get("taken_up")),
        "more": more_filters(params, user=user, language=search_language(get_language())),
        "user": user,
    }


def _filter_labels() -> dict[str, str]:
    """The answer list's filters by query name, as its form labels them."""
    return {
        "paragraph": _("Paragraph"),
        "disposition": _("Disposition"),
        "version": _("Written on version"),
        "taken_up": _("Taken up in version"),
        "status": _("Status"),
        "answered": _("Answered"),
        "theme": _("Theme"),
        "channel": _("Channel"),
        "assignee": _("Assigned to"),
        "since": _("Written from"),
        "until": _("Written until"),
        "alike": _("Alike comments"),
    }


def unclear_filters(params, filters: dict) -> list[tuple[str, str]]:
    """The filters of `params` given a value that `triage_filters` could not read (a day that
    is none, a theme that is no id, …) and so left out: [(label, the value given)], for the page
    to say so instead of ignoring them silently."""
    more = filters["more"]
    cleaned = {
        "paragraph": filters["paragraph_key"],
        "disposition": filters["disposition"],
        "version": filters["version"],
        "taken_up": filters["taken_up"],
        "status": more.status if params.get("status") == more.status else None,
        "answered": more.answered,
        "theme": more.theme,
        "channel": more.channel,
        "assignee": more.assignee,
        "since": more.since,
        "until": more.until,
        "alike": more.alike,
    }
    labels = _filter_labels()
    return [
        (labels[name], params.get(name, "").strip()[:50])
        for name, value in cleaned.items()
        if params.get(name, "").strip() and value in (None, "")
    ]


ANSWER_FEEDBACK_KEY = "answer_feedback"  # what a saved answer says, shown beside its comment


def _triage_item(comment: Comment, *, place, feedback: dict | None, error: dict | None) -> None:
    """Prepare `comment` for its item in the answer list: its place in the draft, its answer,
    the form's values (the posted ones after an error) and what a form about it said."""
    comment.place = place(comment.paragraph_id, comment.version)
    try:
        answer = comment.answer
    except Answer.DoesNotExist:
        answer = None
    comment.current_answer = answer
    try:
        comment.handling_or_none = comment.handling
    except Handling.DoesNotExist:
        comment.handling_or_none = None
    comment.answer_form = {
        "disposition": answer.disposition if answer else "",
        "reply": answer.reply if answer else "",
        "version": str(answer.version_taken_up or "") if answer else "",
    }
    if feedback and feedback["comment"] == comment.pk:
        comment.feedback = feedback["text"]
    if error and error["comment"] == comment.pk:
        comment.error = error["message"]
        comment.answer_form = {name: error["posted"].get(name, "") for name in comment.answer_form}


def _triage(
    request,
    draft: Draft,
    *,
    here: str,
    error: dict | None = None,
    refused: dict | None = None,
    status: int = 200,
):
    """The triage list for the address `here` (the list with its filters and page). `error`:
    a single answer's form refused ({"comment", "message", "posted"}); `refused`: another form
    of the page refused ({"form": "bulk", "theme" or "handling", "message", "posted", and
    "comment" for "handling"}), shown again as it was sent with the message."""
    params = QueryDict(urlsplit(here).query)
    feedback = request.session.pop(ANSWER_FEEDBACK_KEY, None)
    filters = triage_filters(params, user=request.user)
    page = answer_selectors.answer_triage(draft=draft, **filters, page=params.get("page", 1))
    listed = answer_selectors.triage_ids(draft=draft, **filters, limit=MAX_GROUP + 1)
    index = selectors.paragraph_index(draft=draft)
    place = selectors.comment_places(draft=draft, index=index)
    refused = refused or {}
    for comment in page.object_list:
        _triage_item(comment, place=place, feedback=feedback, error=error)
        if refused.get("form") == "handling" and refused["comment"] == comment.pk:
            comment.handling_form = {
                "note": refused["posted"].get("note", ""),
                "assignee": refused["posted"].get("assignee", ""),
                "error": refused["message"],
            }
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/answers.html",
        {
            "draft": draft,
            "page_obj": page,
            "filters": filters,
            "counts": answer_selectors.answer_counts(draft=draft),
            "paragraphs": [r for r in index.values() if r.number is not None],
            "dispositions": Disposition.choices,
            "unanswered": answer_selectors.UNANSWERED,
            "versions": _versions(draft),
            "query": query.urlencode(),
            "here": here,
            "listed": answer_selectors.ids_fingerprint(listed),
            "unclear": unclear_filters(params, filters),
            "asked": query_words(params.get("q", ""), search_language(get_language())),
            "max_chars": MAX_QUERY_CHARS,
            "drafted": answer_selectors.ids_fingerprint(
                answer_selectors.drafted_answer_ids(draft=draft)
            ),
            "bulk": bulk_form_values(refused if refused.get("form") == "bulk" else None),
            "theme_form": (
                {"name": refused["posted"].get("name", ""), "error": refused["message"]}
                if refused.get("form") == "theme"
                else {}
            ),
            **group_context(request, draft),
        },
        status=status,
    )


def list_again(
    request, draft: Draft, *, form: str, message: str, status: int, comment: int | None = None
):
    """The answer list a form (`form`: "bulk", "theme" or "handling" of `comment`) was sent
    from, that form as it was sent with `message`: nothing typed is lost to a refusal."""
    refused = {"form": form, "message": message, "posted": request.POST, "comment": comment}
    here = list_url(request, draft)
    return _triage(request, draft, here=here, refused=refused, status=status)


def _answer_feedback(
    request, draft: Draft, comment: Comment, *, here: str, text: str = "", error: dict | None = None
):
    """What a form about one comment's answer says, next to that comment.

    From the page's script (header `X-Requested-With: fetch`): the comment's item HTML with the
    outcome or `error` in it, for the script to swap in where the person is (status 400 on an
    error). Without script: after an error the whole list (status 400, typed text kept), else
    back to the item's anchor in the list `here`, where the page shows `text` beside it.
    """
    if request.headers.get("X-Requested-With") == "fetch":
        item = answer_selectors.answer_triage_item(draft=draft, pk=comment.pk)
        place = selectors.comment_places(draft=draft, index=selectors.paragraph_index(draft=draft))
        feedback = None if error else {"comment": comment.pk, "text": text}
        _triage_item(item, place=place, feedback=feedback, error=error)
        context = {
            "c": item,
            "draft": draft,
            "dispositions": Disposition.choices,
            "versions": _versions(draft),
            "here": here,
            **group_context(request, draft),
        }
        return render(request, "feedback/_answer_item.html", context, status=400 if error else 200)
    if error:
        return _triage(request, draft, here=here, error=error, status=400)
    request.session[ANSWER_FEEDBACK_KEY] = {"comment": comment.pk, "text": text}
    return HttpResponseRedirect(f"{here}#a-{comment.pk}")


@working_group_required
def answer_list(request, slug: str):
    draft = draft_selectors.draft_get(slug=slug)
    return _triage(request, draft, here=request.get_full_path())


@working_group_required
@require_POST
def answer_post(request, slug: str, pk: int):
    draft = draft_selectors.draft_get(slug=slug)
    comment = comment_find(pk=pk, draft=draft)
    if comment is None:
        raise Http404(pk)
    here = list_url(request, draft)
    action = request.POST.get("action", "save")
    try:
        if action == "unpublish":
            answer = answer_selectors.answer_of(comment=comment)
            if answer is None:
                raise ActionRefused("invalid", _("This comment has no answer yet."))
            answers.answer_unpublish(user=request.user, answer=answer)
            done = _("The answer is internal again.")
        else:
            answers.answer_save(
                user=request.user,
                comment=comment,
                disposition=request.POST.get("disposition", ""),
                reply=reply_with_block(
                    reply=request.POST.get("reply", ""),
                    block=chosen_block(draft, request.POST.get("block", "")),
                ),
                version=request.POST.get("version") or None,
                publish=action == "publish",
            )
            done = (
                _("The answer is published.") if action == "publish" else _("The answer is saved.")
            )
    except ActionRefused as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        # The typed text kept and the error next to its form.
        error = {"comment": comment.pk, "message": exc.message, "posted": request.POST}
        return _answer_feedback(request, draft, comment, here=here, error=error)
    # At the comment, with what happened beside it (not at the top, out of sight).
    return _answer_feedback(request, draft, comment, here=here, text=str(done))


@working_group_required
@require_POST
def answers_publish(request, slug: str):
    """Publish every drafted answer of the draft at once; the authors hear of it by the worker.
    The form carries the fingerprint of the drafted answers it counted (`shown`): if they
    changed since, nothing is published and the page says so, with the new count."""
    draft = draft_selectors.draft_get(slug=slug)
    try:
        count = answers.answers_publish_drafted(
            user=request.user, draft=draft, shown=request.POST.get("shown", "")
        )
    except ActionRefused as exc:
        if exc.code != "invalid":
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return HttpResponseRedirect(list_url(request, draft))
    messages.success(
        request,
        ngettext(
            "%(count)s answer is published; its author is being notified.",
            "%(count)s answers are published; their authors are being notified.",
            count,
        )
        % {"count": count},
    )
    return HttpResponseRedirect(reverse("draft_answers", kwargs={"slug": draft.slug}))


# The summary ------------------------------------------------------------------------------------


def _version_pair(request, versions: list[int]) -> tuple[int | None, int | None]:
    a, b = _int_or_none(request.GET.get("a")), _int_or_none(request.GET.get("b"))
    if a is None and b is None and len(versions) >= 2:
        a, b = versions[-2], versions[-1]
    if a not in versions or b not in versions or a == b:
        return None, None
    return a, b


def paragraph_label(tally) -> str:
    if tally.number:
        return _("Paragraph %(n)s") % {"n": tally.number}
    return _("heading") if tally.heading and not tally.removed else _("removed paragraph")


def _votes_chart(tallies):
    """Each paragraph with votes as a bar split into agree, disagree and neutral."""
    rows = [
        (
            paragraph_label(t),
            [("agree", t.agree), ("disagree", t.disagree), ("neutral", t.neutral)],
        )
        for t in tallies
        if t.votes
    ]
    return stacked_rows(rows) if rows else None


def _day_label(day) -> str:
    return day.strftime("%m/%d" if (get_language() or "de").startswith("en") else "%d.%m.")


@staff_role_required
def feedback(request, slug: str):
    draft = draft_selectors.draft_get(slug=slug)
    index = selectors.paragraph_index(draft=draft)
    figures = selectors.feedback_figures(draft=draft, index=index)
    versions = _versions(draft)
    a, b = _version_pair(request, versions)
    diff, changes = (None, [])
    if a is not None:
        diff, changes = selectors.version_changes(draft=draft, a=a, b=b, index=index)
    channels = dict(Channel.choices)
    return render(
        request,
        "feedback/summary.html",
        {
            "draft": draft,
            "f": figures,
            "votes_chart": _votes_chart(figures.paragraphs),
            "days_chart": bar_chart([(_day_label(d), n) for d, n in figures.days]),
            "versions_chart": bar_chart(
                [(str(n), count) for n, count in figures.per_version], height=180
            ),
            "channels": [(channels.get(code, code), n) for code, n in figures.channels],
            "versions": versions,
            "a": a,
            "b": b,
            "diff": diff,
            "changes": changes,
            "can_answer": is_working_group(request.user),
            "themes": draft_themes(draft=draft),
            "seq": events.latest_seq(events.stream_name(draft)),
            # Votes are not in the event log: the sum of the paragraphs' revs grows with each.
            "votes_rev": sum(c["rev"] for c in vote_snapshot(draft_id=draft.pk).values()),
        },
    )


@staff_role_required
def feedback_export(request, slug: str, kind: str):
    """An export as a download; `?theme=ID` only that theme's comments. A `theme` that names
    no theme of the draft is refused (400, said in words) rather than ignored, which would
    hand out every comment as if it were the theme's."""
    draft = draft_selectors.draft_get(slug=slug)
    theme = request.GET.get("theme", "").strip()
    chosen = None
    if theme:
        chosen = next((t.pk for t in draft_themes(draft=draft) if str(t.pk) == theme), None)
        if chosen is None:
            return HttpResponseBadRequest(
                _("The theme “%(theme)s” is not one of this draft's themes: nothing exported.")
                % {"theme": theme[:50]},
                content_type="text/plain; charset=utf-8",
            )
    return exports.export_response(
        request,
        draft=draft,
        kind=kind,
        anonymous=request.GET.get("anonymous") == "1",
        theme=chosen,
    )


@staff_role_required
def answer_table(request, slug: str):
    """The answer table (Abwägungstabelle) for the council: printable, one row per published
    comment; `?answers=published`: the edition for publication (as feedback.docx), where an
    answer not yet published is left out (the row says it is pending)."""
    draft = draft_selectors.draft_get(slug=slug)
    index = selectors.paragraph_index(draft=draft)
    key = parse_paragraph_key(request.GET.get("paragraph")) or ""
    unclear = bool(request.GET.get("paragraph")) and not key  # no paragraph key: all shown
    only_published = request.GET.get("answers") == "published"
    place = selectors.comment_places(draft=draft, index=index)
    rows = []
    for comment in answer_selectors.answer_table(draft=draft, paragraph_key=key):
        try:
            answer = comment.answer
        except Answer.DoesNotExist:
            answer = None
        if only_published and answer is not None and answer.published_at is None:
            answer = None  # a drafted answer is never shown for publication
        rows.append(
            {
                "comment": comment,
                "answer": answer,
                "place": place(comment.paragraph_id, comment.version),
            }
        )
    return render(
        request,
        "feedback/table.html",
        {
            "draft": draft,
            "rows": rows,
            "paragraphs": [r for r in index.values() if r.number is not None],
            "paragraph_key": key,
            "unclear": unclear,
            "only_published": only_published,
        },
    )


# The public results -------------------------------------------------------------------------------


def results(request, slug: str):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    if draft.status not in RESULTS_STATUSES:
        # A clear page rather than a bare error: the results come once the consultation is over.
        return render(request, "feedback/not_available.html", {"draft": draft}, status=404)
    index = selectors.paragraph_index(draft=draft)
    figures = selectors.feedback_figures(draft=draft, index=index, public=True)
    page = answer_selectors.published_answers(draft=draft, page=request.GET.get("page", 1))
    place = selectors.comment_places(draft=draft, index=index)
    for answer in page.object_list:
        answer.place = place(answer.comment.paragraph_id, answer.comment.version)
        answer.paragraph_key = answer.place.key if answer.place else ""
    return render(
        request,
        "feedback/results.html",
        {
            "draft": draft,
            "f": figures,
            "votes_chart": _votes_chart(figures.paragraphs),
            "page_obj": page,
        },
    )
