"""JSON read API for a draft's text with counts, and its comments (contract: JSON read API)."""

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from deliberation.api import api_view, int_param
from deliberation.localtime import LocalDateTimeField
from deliberation.siteurl import site_url
from drafts import selectors as draft_selectors
from drafts.api import draft_summary
from drafts.models import parse_paragraph_key

from . import selectors
from .permissions import can_see_unreleased
from .search import search_language
from .serializers import comment_payload


@api_view
def draft_detail(request, slug):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    number = int_param(request, "version", draft.version)
    paragraphs = draft_selectors.paragraphs_at_version(draft=draft, number=number)
    counts = selectors.paragraph_counts(draft=draft) if number == draft.version else {}
    data = {
        key: value
        for key, value in draft_summary(draft).items()
        if key in ("slug", "title", "status")
    }
    data["version"] = number
    data["paragraphs"] = [
        {
            "key": p.key,
            "position": p.position,
            "kind": p.kind,
            "html": p.html,
            "counts": counts.get(p.key, selectors.EMPTY_COUNTS),
        }
        for p in paragraphs
    ]
    return JsonResponse(data)


@api_view
def comment_list(request, slug):
    """A page of the draft's comments (`?after=ID&limit=N`), with `Link: <…>; rel="next"` when
    more follow; `?paragraph=KEY`, `?since=MOMENT` and `?q=WORDS` narrow it (contract: JSON
    read API). `?q=` matches German word forms, or English ones with `?lang=en`."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    since = None
    if request.GET.get("since"):
        try:  # a local time is read as the site's, with its clock changes (localtime.py)
            since = LocalDateTimeField().clean(request.GET["since"])
        except ValidationError:
            raise ValidationError(
                _("“since” must be a date and time such as 2026-03-21T18:00:00+01:00.")
            ) from None
    after = int_param(request, "after", 0)
    limit = int_param(request, "limit", selectors.API_PAGE_MAX)
    key = parse_paragraph_key(request.GET.get("paragraph") or None)
    if request.GET.get("paragraph") and key is None:
        raise Http404("no such paragraph")  # not a UUID: as unknown as a key of no paragraph
    comments, more = selectors.comments_for_api(
        user=request.user,
        draft=draft,
        paragraph_key=key,
        since=since,
        after=after,
        limit=limit,
        search=request.GET.get("q", "").strip(),
        language=search_language(request.GET.get("lang")),
    )
    moderator = can_see_unreleased(user=request.user)
    payload = [
        comment_payload(c, reveal=moderator or c.author_id == request.user.pk) for c in comments
    ]
    response = JsonResponse(payload, safe=False)
    if more:
        query = request.GET.copy()
        query["after"] = str(comments[-1].pk)
        query["limit"] = str(len(comments))
        response["Link"] = f'<{site_url(request.path, request)}?{query.urlencode()}>; rel="next"'
    return response
