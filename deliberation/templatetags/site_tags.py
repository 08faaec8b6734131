from django import template

from deliberation.languages import path_in_default_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch_next(context) -> str:
    """The `next` for the language switch: this page's address in the default language."""
    request = context.get("request")
    return path_in_default_language(request.get_full_path()) if request else "/"
