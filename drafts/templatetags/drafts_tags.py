import math

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def timeuntil_days(moment) -> int:
    """Whole days left until `moment`, rounded up, never negative ("noch 12 Tage")."""
    if not moment:
        return 0
    return max(0, math.ceil((moment - timezone.now()).total_seconds() / 86400))
