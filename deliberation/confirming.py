"""A confirm step for one-click actions that cannot be undone by the same click.

The button opens a disclosure (`<details>`, so it works without JavaScript and by keyboard) that
says what will happen and holds the real submit button, which sends `confirm=yes`. A POST
without it (an old page, a stray request) changes nothing: it gets the same question as a page.
Templates: partials/confirm.html (the disclosure), partials/confirm_page.html (the page).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """True when the POST came from the confirm step's own button."""
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirm_page(
    request: HttpRequest,
    *,
    question: str,
    yes: str,
    back: str,
    hidden: dict[str, str] | None = None,
) -> HttpResponse:
    """The confirm step as a page of its own: `question`, a `yes` button posting to the same
    URL again (with `hidden` fields and the confirmation), and a way `back` (a URL)."""
    return render(
        request,
        "partials/confirm_page.html",
        {
            "question": question,
            "yes": yes,
            "back": back,
            "action": request.path,
            "hidden": sorted((hidden or {}).items()),
        },
    )
