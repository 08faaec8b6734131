"""Template helpers for the comment forms."""

from django import template

from comments import services
from comments.models import ANONYMOUS_AUTHORS, Channel

register = template.Library()


@register.simple_tag
def comment_max_chars() -> int:
    """The longest comment (comments.services.MAX_COMMENT_CHARS), for a textarea's maxlength:
    the browser stops where the service would refuse."""
    return services.MAX_COMMENT_CHARS


@register.filter
def anonymous_author(channel: str) -> str:
    """What stands for the author of a contribution collected offline through `channel` that
    has no pseudonym (comments.models.ANONYMOUS_AUTHORS; an unknown channel counts as "other")."""
    return ANONYMOUS_AUTHORS.get(channel, ANONYMOUS_AUTHORS[Channel.OTHER])
