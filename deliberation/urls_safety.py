"""Where a request may send the browser next: only to a page of this site.

Every redirect whose target comes from the request (a `next` field or parameter) goes through
`safe_next`, so that no link or form can turn the site into a springboard to another one (an
open redirect: `/moderation/release/?next=https://evil.example`).
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The request's `next` (POST first, then the query string) when it stays on this site.

    `fallback` (a path such as "/moderation/", or "" for "none") is returned instead when `next`
    is missing, points to another host or scheme (`//evil.example`, `https://evil.example`,
    `/\\evil.example`, `javascript:`), or asks for plain http on an https request.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
