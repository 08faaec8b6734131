"""JSON read API for notifications: `GET /api/me/notifications/` (see contract.md)."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from deliberation.api import api_view, json_error

from . import selectors


@api_view
def my_notifications(request):
    """The logged-in person's notifications, newest first (401 otherwise).

    `text` is said in German, or in English with `?lang=en` (the API has no language prefix);
    `url` is the page's address in that language.
    """
    if not request.user.is_authenticated:
        return json_error(401, "not_authenticated", _("Please log in."))
    language = "en" if request.GET.get("lang") == "en" else settings.LANGUAGE_CODE
    with translation.override(language):
        return JsonResponse(
            [
                {
                    "id": n.pk,
                    "kind": n.kind,
                    "text": n.display_text,
                    "url": n.safe_url,
                    "created": n.created_at.isoformat(),
                    "read": n.read_at is not None,
                }
                for n in selectors.notifications_list(user=request.user)
            ],
            safe=False,
        )
