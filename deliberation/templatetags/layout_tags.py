"""Presentation of sanitized HTML on narrow screens."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(is_safe=True)
def scrollable_tables(html: str) -> SafeString:
    """Wrap each table of sanitized HTML in a region that scrolls sideways on its own.

    A wide table then no longer widens the page on a phone (WCAG 1.4.10 Reflow); the region is
    focusable, so that keyboard users can scroll it, and labelled, so that screen readers name
    it. `html` must have passed deliberation.sanitizing (which writes tables as bare `<table>`).
    """
    label = escape(_("Table, scrolls sideways"))
    region = f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}"><table>'
    return mark_safe(str(html).replace("<table>", region).replace("</table>", "</table></div>"))
