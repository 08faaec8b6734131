import math

from django import template
from django.utils import timezone

from drafts.models import ParagraphKind

register = template.Library()


@register.filter
def timeuntil_days(moment) -> int:
    """Whole days left until `moment`, rounded up, never negative ("noch 12 Tage")."""
    if not moment:
        return 0
    return max(0, math.ceil((moment - timezone.now()).total_seconds() / 86400))


@register.filter
def kind_label(kind: str) -> str:
    """A paragraph kind ("heading", "text", …) as a word in the active language."""
    return ParagraphKind(kind).label if kind in ParagraphKind.values else kind
