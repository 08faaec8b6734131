from django.http import JsonResponse

from deliberation.api import api_view

from . import selectors
from .models import Draft


def draft_summary(draft: Draft) -> dict:
    return {
        "slug": draft.slug,
        "title": draft.title,
        "status": draft.status,
        "opens_at": draft.opens_at,
        "closes_at": draft.closes_at,
        "version": draft.version,
    }


@api_view
def draft_list(request):
    return JsonResponse(
        [draft_summary(d) for d in selectors.draft_list(user=request.user)], safe=False
    )
