"""Template helpers for the comment forms."""

from django import template

from comments import services

register = template.Library()


@register.simple_tag
def comment_max_chars() -> int:
    """The longest comment (comments.services.MAX_COMMENT_CHARS), for a textarea's maxlength:
    the browser stops where the service would refuse."""
    return services.MAX_COMMENT_CHARS
