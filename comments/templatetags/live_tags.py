"""What a page's script needs to follow a draft live (static/js/socket.js)."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


def draft_socket_path(slug: str, language: str | None = None) -> str:
    """The draft websocket's path (deliberation/routing.py) for a page in `language` ("en" asks
    the consumer for English frames, anything else is German, as comments.consumers reads it)."""
    query = "?lang=en" if (language or get_language()) == "en" else ""
    return f"/ws/drafts/{slug}/{query}"


@register.simple_tag
def draft_socket(draft) -> str:
    """Attributes for the element a script follows a draft from: `data-live`, the socket's path
    in the page's language, and `data-heartbeat`, the seconds between the server's heartbeats
    (LIVE_HEARTBEAT), so the script can tell a dead connection from a quiet one."""
    return format_html(
        'data-live="{}" data-heartbeat="{}"',
        draft_socket_path(draft.slug),
        f"{settings.LIVE_HEARTBEAT:g}",
    )
