from django import template
from django.urls import reverse

from deliberation.accounts.erasure import account_name_shown
from deliberation.languages import path_in_default_language
from deliberation.urls_safety import safe_next
from deliberation.views import footer_slug

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch_next(context) -> str:
    """The `next` for the language switch: this page's address in the default language."""
    request = context.get("request")
    return path_in_default_language(request.get_full_path()) if request else "/"


@register.simple_tag
def page_url(german_slug: str) -> str:
    """The address of a footer page (named by its German slug) in the active language."""
    return reverse("page", args=[footer_slug(german_slug)])


@register.filter
def account_name(name: str) -> str:
    """A stored account name as readers see it ("deleted account" for a deleted one)."""
    return account_name_shown(name)


@register.simple_tag(takes_context=True)
def safe_next_url(context) -> str:
    """The request's `next` if it stays on this site, else "" (for forms that carry it on)."""
    return safe_next(context["request"], "")
