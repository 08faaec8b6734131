"""The working group's forms for many comments on the answer list: bulk actions on a selection
or on the whole filtered list (theme, assignment, one answer for all), themes, text blocks, and
each comment's internal note and assignee. Plain POST forms that return to the list; a refused
one shows the list again with the form as it was sent (nothing typed is lost), and a form for
"all of this list" acts only on the list it was sent from as that list was shown."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments.models import Channel, Comment, CommentStatus
from comments.permissions import can_see_unreleased
from comments.similar import draft_groups
from deliberation.confirming import confirm_page, confirmed
from deliberation.errors import ActionRefused
from deliberation.roles import working_group_required
from deliberation.urls_safety import safe_next
from drafts import selectors as draft_selectors
from drafts.models import Draft

from . import answer_selectors
from . import group_services as services
from .group_selectors import draft_text_blocks, draft_themes
from .models import TextBlock, Theme


def list_url(request, draft: Draft) -> str:
    """Where the form was sent from (the list with its filters), checked to be on this site."""
    url = reverse("draft_answers", kwargs={"slug": draft.slug})
    target = safe_next(request, url).split("#")[0]
    return target if target.startswith(url) else url


def chosen_block(draft: Draft, value: str) -> TextBlock | None:
    """The draft's text block with the id `value`, or None (none chosen, or not this draft's)."""
    if not value.isdigit() or len(value) > 12:
        return None
    return TextBlock.objects.filter(draft=draft, pk=int(value)).first()


def group_context(request, draft: Draft) -> dict:
    """What the answer list's forms offer: themes (with figures), text blocks, members to
    assign to, channels, the statuses this person may filter by and the groups of alike
    comments (each one more selection for the bulk actions)."""
    statuses = (
        CommentStatus.choices
        if can_see_unreleased(user=request.user)
        else [(CommentStatus.PUBLISHED, CommentStatus.PUBLISHED.label)]
    )
    return {
        "themes": draft_themes(draft=draft),
        "text_blocks": draft_text_blocks(draft=draft),
        "members": list(services.working_group_members()),
        "channels": Channel.choices,
        "statuses": statuses,
        "alike_groups": draft_groups(draft=draft),
        "bulk_actions": [
            ("tag", _("give the theme")),
            ("untag", _("take the theme away")),
            ("assign", _("assign to")),
            ("answer", _("answer all with one answer")),
        ],
    }


# The bulk form's fields that come back as they were sent when it is refused.
BULK_FIELDS = ("scope", "action", "theme", "assignee", "disposition", "version", "block", "reply")


def bulk_form_values(bulk: dict | None) -> dict:
    """What the answer list's form for several comments shows: its defaults, or after a refusal
    (`bulk`: {"message", "posted"}) everything as it was sent, the ticked ids as a set of
    strings and the message."""
    if not bulk:
        return {"scope": "selected", "ids": set()}
    posted = bulk["posted"]
    values = {name: posted.get(name, "") for name in BULK_FIELDS}
    values.update(
        ids=set(posted.getlist("ids")), publish=posted.get("publish") == "1", error=bulk["message"]
    )
    return values


class ListChanged(Exception):
    """The list a form for "all of this list" was sent from is no longer the list it showed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _selected(request, draft: Draft) -> list[int]:
    """The comment ids a bulk form means: the ticked ones, or with scope "all" every comment
    of the list it was sent from (the same filters, all pages), provided it is still the list
    the form showed (`listed`: its ids_fingerprint, `count`: how many it said); else
    ListChanged, and nothing is done: a comment released in between is never acted on unseen."""
    if request.POST.get("scope") == "all":
        from .views import triage_filters  # the list's own reading of its filters

        params = QueryDict(urlsplit(list_url(request, draft)).query)
        filters = triage_filters(params, user=request.user)
        ids = answer_selectors.triage_ids(draft=draft, **filters, limit=services.MAX_GROUP + 1)
        if answer_selectors.ids_fingerprint(ids) != request.POST.get("listed", ""):
            shown = request.POST.get("count", "")
            if shown == str(len(ids)):  # as many as before, but not the same ones
                message = _(
                    "The list holds other comments than when you saw it (%(count)s then and now). Nothing was done: check the list below and apply again."
                )
            else:
                message = _(
                    "The list has changed since you saw it (%(shown)s comments then, %(count)s now). Nothing was done: check the list below and apply again."
                )
            raise ListChanged(
                message % {"shown": shown if shown.isdigit() else "?", "count": len(ids)}
            )
        return ids
    ids = []
    for value in request.POST.getlist("ids"):
        if value.isdigit() and len(value) < 12:
            ids.append(int(value))
    return ids


def _back(request, draft: Draft, text: str):
    messages.success(request, text)
    return HttpResponseRedirect(list_url(request, draft))


def _again(request, draft: Draft, form: str, message: str, *, status: int = 400, comment=None):
    """The list again, as it is now, with the refused `form` as it was sent and `message` at it
    (nothing typed is lost)."""
    from .views import list_again  # the list page is the answers view's

    return list_again(request, draft, form=form, message=message, status=status, comment=comment)


@working_group_required
@require_POST
def answers_bulk(request, slug: str):
    """One action on many comments: `action` = tag, untag (with `theme`), assign (with
    `assignee`: a member's id or empty for nobody) or answer (with the answer's fields). A
    refusal, or a list that changed since it was shown (scope "all"), shows the list again
    with the form as it was sent and why (400, 409); nothing is done then."""
    draft = draft_selectors.draft_get(slug=slug)
    action = request.POST.get("action", "")
    try:
        ids = _selected(request, draft)
        if action in ("tag", "untag"):
            theme = Theme.objects.filter(draft=draft, pk=_number(request, "theme")).first()
            if theme is None:
                raise ActionRefused("invalid", _("Choose a theme."))
            count = services.themes_tag(
                user=request.user, theme=theme, comment_ids=ids, on=action == "tag"
            )
            text = _("Theme “%(theme)s”: %(count)s comments changed.") % {
                "theme": theme.name,
                "count": count,
            }
        elif action == "assign":
            assignee = _assignee(request)
            count = services.comments_assign(
                user=request.user, draft=draft, comment_ids=ids, assignee=assignee
            )
            text = _("%(count)s comments assigned.") % {"count": count}
        elif action == "answer":
            publish = request.POST.get("publish") == "1"
            _group, count = services.group_answer_save(
                user=request.user,
                draft=draft,
                comment_ids=ids,
                disposition=request.POST.get("disposition", ""),
                reply=services.reply_with_block(
                    reply=request.POST.get("reply", ""),
                    block=chosen_block(draft, request.POST.get("block", "")),
                ),
                version=request.POST.get("version") or None,
                publish=publish,
            )
            text = (
                _("One answer published to %(count)s comments.")
                if publish
                else _("One answer drafted for %(count)s comments (internal).")
            ) % {"count": count}
        else:
            raise ActionRefused("invalid", _("Choose what to do with the comments."))
    except ListChanged as exc:
        return _again(request, draft, "bulk", exc.message, status=409)
    except ActionRefused as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        return _again(request, draft, "bulk", exc.message)
    return _back(request, draft, text)


def _number(request, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _assignee(request):
    """The working group member named by the POST's `assignee` (empty: nobody, None). Raises
    ActionRefused("invalid") for anyone else, so a stale or forged form never clears an
    assignment silently."""
    if not request.POST.get("assignee"):
        return None
    member = services.working_group_members().filter(pk=_number(request, "assignee")).first()
    if member is None:
        raise ActionRefused("invalid", _("Comments can be assigned to the working group only."))
    return member


@working_group_required
@require_POST
def theme_post(request, slug: str):
    """Create a theme (`name`), or delete one (`delete` = its id) once confirmed: without the
    confirm step's `confirm=yes` the answer is a page saying how many comments lose it."""
    draft = draft_selectors.draft_get(slug=slug)
    try:
        if request.POST.get("delete"):
            theme = get_object_or_404(Theme, draft=draft, pk=_number(request, "delete"))
            if not confirmed(request):
                count = theme.comments.count()
                return confirm_page(
                    request,
                    question=ngettext(
                        "%(counter)s comment loses the theme “%(theme)s”. The theme is deleted for good.",
                        "%(counter)s comments lose the theme “%(theme)s”. The theme is deleted for good.",
                        count,
                    )
                    % {"counter": count, "theme": theme.name},
                    yes=_("Yes, delete the theme"),
                    back=list_url(request, draft),
                    hidden={"delete": str(theme.pk), "next": list_url(request, draft)},
                )
            services.theme_delete(user=request.user, theme=theme)
            text = _("Theme “%(theme)s” deleted.") % {"theme": theme.name}
        else:
            theme = services.theme_create(
                user=request.user, draft=draft, name=request.POST.get("name", "")
            )
            text = _("Theme “%(theme)s” created.") % {"theme": theme.name}
    except ActionRefused as exc:
        return _again(request, draft, "theme", exc.message)
    return _back(request, draft, text)


@working_group_required
@require_POST
def handling_post(request, slug: str, pk: int):
    """A comment's internal note (`note`) and who handles it (`assignee`)."""
    draft = draft_selectors.draft_get(slug=slug)
    comment = get_object_or_404(Comment, draft=draft, pk=pk)
    try:
        assignee = _assignee(request)
        services.comment_note_save(
            user=request.user, comment=comment, note=request.POST.get("note", "")
        )
        services.comments_assign(
            user=request.user, draft=draft, comment_ids=[comment.pk], assignee=assignee
        )
    except ActionRefused as exc:
        return _again(request, draft, "handling", exc.message, comment=comment.pk)
    messages.success(request, _("Note and assignment saved."))
    return HttpResponseRedirect(f"{list_url(request, draft)}#a-{comment.pk}")


@working_group_required
def text_blocks(request, slug: str):
    """The draft's library of standard replies: list, add (`title`, `body`), delete (`delete`,
    after the confirm step)."""
    draft = draft_selectors.draft_get(slug=slug)
    error, posted = None, {}
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                block = get_object_or_404(TextBlock, draft=draft, pk=_number(request, "delete"))
                if not confirmed(request):
                    return confirm_page(
                        request,
                        question=_(
                            "The text block “%(title)s” is deleted for good; answers that used it keep their text."
                        )
                        % {"title": block.title},
                        yes=_("Yes, delete the text block"),
                        back=request.path,
                        hidden={"delete": str(block.pk)},
                    )
                services.text_block_delete(user=request.user, block=block)
                messages.success(request, _("Text block deleted."))
            else:
                services.text_block_create(
                    user=request.user,
                    draft=draft,
                    title=request.POST.get("title", ""),
                    body=request.POST.get("body", ""),
                )
                messages.success(request, _("Text block saved."))
            return HttpResponseRedirect(reverse("draft_text_blocks", kwargs={"slug": slug}))
        except ActionRefused as exc:
            error, posted = exc.message, request.POST
    return render(
        request,
        "feedback/text_blocks.html",
        {
            "draft": draft,
            "blocks": draft_text_blocks(draft=draft),
            "error": error,
            "posted": posted,
        },
        status=400 if error else 200,
    )
