"""The moderators' pages: the queue, decisions, blocking, and the audit log (with CSV)."""

import json
from datetime import time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from comments import selectors as comment_selectors
from comments.models import Comment
from comments.views import comment_feedback
from deliberation.accounts.erasure import DELETED_ACCOUNT
from deliberation.api import ids_from
from deliberation.confirming import confirm_page, confirmed
from deliberation.errors import ActionRefused
from deliberation.idempotency import form_write_once, once_per_form
from deliberation.localtime import DayField, local_moment
from deliberation.reasons import reasons
from deliberation.roles import moderator_required, staff_role_required, working_group_required
from deliberation.sanitizing import normalize_text
from deliberation.spreadsheets import Column, csv_response
from deliberation.urls_safety import safe_next
from drafts import selectors as draft_selectors

from . import selectors
from . import services as moderation
from .models import ModerationActionKind, UserBlock


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@moderator_required
def queue(request):
    draft_slug, reason = _filter(request, "draft"), _filter(request, "reason")
    return render(
        request,
        "moderation/queue.html",
        {
            **selectors.moderation_queue(draft_slug=draft_slug, reason=reason),
            "drafts": draft_selectors.draft_titles(),
            "reasons": reasons(),
            "draft_filter": draft_slug,
            "reason_filter": reason,
            "blocks": selectors.active_blocks(),
            "here": request.get_full_path(),
            # For the script's announcements of other moderators' decisions.
            "action_labels": json.dumps({k: str(v) for k, v in ModerationActionKind.choices}),
        },
    )


@moderator_required
def item(request, pk: int):
    """One queue item as an HTML fragment, for the queue's script to insert live."""
    try:
        comment = selectors.moderation_item(pk=pk)
    except Comment.DoesNotExist:
        raise Http404(pk) from None
    # Without script, a decision on an inserted item leads back to the queue, not to this fragment.
    context = {"c": comment, "reasons": reasons(), "here": reverse("moderation_queue")}
    return render(request, "moderation/_item.html", context)


DECISIONS = {
    "release": lambda user, c, reason, note: moderation.comment_release(moderator=user, comment=c),
    "reject": lambda user, c, reason, note: moderation.comment_reject(
        moderator=user, comment=c, reason=reason, note=note
    ),
    "hide": lambda user, c, reason, note: moderation.comment_hide(
        moderator=user, comment=c, reason=reason, note=note
    ),
    "restore": lambda user, c, reason, note: moderation.comment_restore(moderator=user, comment=c),
    "dismiss": lambda user, c, reason, note: moderation.reports_dismiss(moderator=user, comment=c),
}
# Lazy: said in the language of the request that made the decision, not of the import.
DONE = {
    "release": gettext_lazy("Released."),
    "reject": gettext_lazy("Rejected."),
    "hide": gettext_lazy("Removed."),
    "restore": gettext_lazy("Published again."),
    "dismiss": gettext_lazy("Reports dismissed."),
}


@moderator_required
@require_POST
def decide(request, pk: int):
    comment = comment_selectors.comment_find(pk=pk)
    decision = DECISIONS.get(request.POST.get("action", ""))
    try:
        if comment is None:
            raise ActionRefused("not_found", _("This comment does not exist."))
        if decision is None:
            raise ActionRefused("bad_message", _("Unknown decision."))
        decision(
            request.user, comment, request.POST.get("reason", ""), request.POST.get("note", "")
        )
        message, ok = str(DONE[request.POST["action"]]), True
    except ActionRefused as exc:
        message, ok = exc.message, False
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message}, status=200 if ok else 409)
    (messages.success if ok else messages.error)(request, message)
    return redirect(safe_next(request, reverse("moderation_queue")))


@moderator_required
@require_POST
def release_bulk(request):
    ids = ids_from(request.POST.getlist("comment"))
    if not ids:
        messages.error(request, _("Select the comments to release first."))
    else:
        released, problems = moderation.comments_release_bulk(
            moderator=request.user, comment_ids=ids
        )
        messages.success(request, _("%(count)s comments released.") % {"count": released})
        for problem in problems:
            messages.error(request, problem)
    return redirect(safe_next(request, reverse("moderation_queue")))


@moderator_required
@once_per_form
def block(request, user_id: int):
    target = get_object_or_404(get_user_model(), pk=user_id)
    error = None
    if request.method == "POST":
        until = None
        if request.POST.get("duration") != "permanent":
            try:
                day = DayField().clean(request.POST.get("until", ""))
                until, _note = local_moment(day, time(23, 59))
            except ValidationError:
                error = _("Enter the last day of the block, or choose “permanently”.")
        if error is None:
            try:
                moderation.user_block(
                    moderator=request.user,
                    user=target,
                    justification=request.POST.get("justification", ""),
                    until=until,
                )
                messages.success(
                    request, _("%(name)s is blocked.") % {"name": target.get_username()}
                )
                return redirect("moderation_queue")
            except ActionRefused as exc:
                error = exc.message
    return render(
        request,
        "moderation/block.html",
        {"target": target, "error": error, "data": request.POST},
        status=400 if error else 200,
    )


@moderator_required
@require_POST
def unblock(request, block_id: int):
    try:
        moderation.user_unblock(
            moderator=request.user, block=get_object_or_404(UserBlock, pk=block_id)
        )
        messages.success(request, _("The block has been lifted."))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect("moderation_queue")


def _filter(request, name: str) -> str:
    """A filter from the query string, as text a database can compare (PostgreSQL refuses NUL)."""
    return normalize_text(request.GET.get(name, ""))


def _log_filters(request) -> dict:
    return {
        "action": _filter(request, "action"),
        "actor": _filter(request, "actor"),
        "draft_slug": _filter(request, "draft"),
    }


@staff_role_required
def log(request):
    entries = selectors.moderation_log(**_log_filters(request))
    page = Paginator(entries, 50).get_page(request.GET.get("page", 1))
    return render(
        request,
        "moderation/log.html",
        {
            "page_obj": page,
            "actions": ModerationActionKind.choices,
            "drafts": draft_selectors.draft_titles(),
            "filters": _log_filters(request),
            "query": request.GET.urlencode(),
        },
    )


LOG_COLUMNS = [
    Column("time", gettext_lazy("Time"), 17),
    Column("moderator", gettext_lazy("Moderator"), 16),
    Column("action", gettext_lazy("Action"), 20),
    Column("draft", gettext_lazy("Draft"), 20),
    Column("comment", gettext_lazy("Comment no."), 10),
    Column("user", gettext_lazy("User"), 16),
    Column("reason", gettext_lazy("Reason"), 20),
    Column("note", gettext_lazy("Note"), 50),
]


@staff_role_required
def log_csv(request):
    """The audit log as CSV, streamed so that a long log never sits in memory."""
    entries = selectors.moderation_log(**_log_filters(request)).iterator(chunk_size=500)
    # Labels in the request's language now: the rows are read later, while streaming.
    actions = {code: str(label) for code, label in ModerationActionKind.choices}
    labels = {code: str(label) for code, label in reasons()}
    system = _("system")
    names = {DELETED_ACCOUNT: _("deleted account")}
    rows = (
        {
            "time": e.created_at,
            "moderator": names.get(e.actor_name, e.actor_name) or system,
            "action": actions.get(e.action, e.action),
            "draft": e.draft.slug if e.draft else "",
            "comment": e.comment_id,
            "user": names.get(e.target_name, e.target_name),
            "reason": labels.get(e.reason, e.reason),
            "note": e.get_note_display(),
        }
        for e in entries
    )
    return csv_response(
        request,
        columns=LOG_COLUMNS,
        rows=rows,
        filename=pgettext("file name", "moderation-log") + ".csv",
    )


# Citizens and the working group -----------------------------------------------------------------


def _comment_or_login(request, slug: str, pk: int):
    """Comment `pk` of draft `slug` (404 when there is none) and, for a visitor who is not
    logged in, the redirect to the login page that comes back to the comment (else None)."""
    comment = comment_selectors.comment_find(pk=pk, draft_slug=slug)
    if comment is None:
        raise Http404(pk)
    if request.user.is_authenticated:
        return comment, None
    return comment, redirect_to_login(comment.get_absolute_url())


@require_POST
def flag(request, slug: str, pk: int):
    comment, login = _comment_or_login(request, slug, pk)
    if login:
        return login

    def write() -> dict:
        moderation.flag_create(
            user=request.user,
            comment=comment,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        return {"comment": comment.pk}

    try:
        form_write_once(request, write)
    except ActionRefused as exc:
        return comment_feedback(
            request, draft=comment.draft, comment=comment, text=exc.message, error=True
        )
    return comment_feedback(
        request,
        draft=comment.draft,
        comment=comment,
        text=_("Thank you. The moderation will look at this comment."),
    )


@require_POST
def resubmit(request, slug: str, pk: int):
    comment, login = _comment_or_login(request, slug, pk)
    if login:
        return login

    def write() -> dict:
        moderation.comment_resubmit(
            user=request.user, comment=comment, body=request.POST.get("body", "")
        )
        return {"comment": comment.pk}

    try:
        form_write_once(request, write)
        messages.success(request, _("Your revised comment is waiting for release again."))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(comment.get_absolute_url())


@working_group_required
@require_POST
def moderation_mode(request, slug: str):
    draft = draft_selectors.draft_get(slug=slug)
    if not confirmed(request):
        pre = request.POST.get("mode") == "pre"
        return confirm_page(
            request,
            question=_("New comments will then appear only once the moderation has released them.")
            if pre
            else _(
                "New comments will then appear at once, before anyone from the moderation has read them."
            ),
            yes=_("Yes, switch to pre-moderation") if pre else _("Yes, switch to post-moderation"),
            back=draft.get_absolute_url(),
            hidden={"mode": request.POST.get("mode", "")},
        )
    try:
        moderation.draft_set_moderation(
            user=request.user, draft=draft, mode=request.POST.get("mode", "")
        )
        messages.success(
            request, _("The moderation mode has been changed. Pending comments stay in the queue.")
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(draft.get_absolute_url())
