"""`{% once_token %}`: the hidden one-time token of a hand-written form (deliberation/idempotency.py)."""

from django import template
from django.utils.html import format_html

from deliberation.idempotency import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token() -> str:
    """A hidden input with a fresh token: each rendered form gets its own."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
