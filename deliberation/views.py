from django.http import Http404
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.translation import get_language

from .reasons import reasons

# URL slug (German, as people in the city link to it) -> template name.
FOOTER_PAGES = {
    "impressum": "impressum",
    "datenschutz": "privacy",
    "barrierefreiheit": "accessibility",
    "leichte-sprache": "easy",
    "spielregeln": "rules",
}


def page(request, name: str):
    """Render a footer page in the visitor's language (German where no translation exists)."""
    template_name = FOOTER_PAGES.get(name)
    if template_name is None:
        raise Http404(name)
    language = (get_language() or "de")[:2]
    try:
        template = select_template(
            [f"pages/{language}/{template_name}.html", f"pages/de/{template_name}.html"]
        )
    except TemplateDoesNotExist as exc:
        raise Http404(name) from exc
    return render(request, template.template.name, {"page_name": name, "reasons": reasons()})
