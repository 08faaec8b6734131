"""The site's absolute address, for links that leave the page: mails, the room view's QR code,
calendar files, the API's `Link` header.

One precedence for all of them: `SITE_URL` when the operator set it (the public address, which
a proxy in front of Daphne may hide from the request); else the request's own scheme and host;
else, outside any request (the mail worker), the address `make run` serves.
"""

from django.conf import settings
from django.http import HttpRequest

DEV_SITE_URL = "http://127.0.0.1:8000"


def site_url(path: str = "", request: HttpRequest | None = None) -> str:
    """The absolute address of `path` (a site path such as "/drafts/x/", or "" for the site's
    root without its slash): SITE_URL + path, else the request's scheme and host + path, else
    DEV_SITE_URL + path. `path` is not checked: pass only paths of this site."""
    if settings.SITE_URL:
        return f"{settings.SITE_URL}{path}"
    if request is not None:
        return request.build_absolute_uri(path) if path else request.build_absolute_uri("/")[:-1]
    return f"{DEV_SITE_URL}{path}"
