"""JSON read API for processes: `GET /api/processes/` (see contract.md)."""

from django.http import JsonResponse

from deliberation.api import api_view

from . import selectors


@api_view
def process_list(request):
    """Every process with the slugs of the drafts this user may see, current processes first."""
    return JsonResponse(
        [
            {
                "slug": process.slug,
                "title": process.title,
                "drafts": [draft.slug for draft in process.visible_drafts],
            }
            for process in selectors.process_list_with_drafts(user=request.user)
        ],
        safe=False,
    )
