import logging

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .reasons import reasons

logger = logging.getLogger(__name__)

# URL slug (German, as people in the city link to it) -> template name.
FOOTER_PAGES = {
    "impressum": "impressum",
    "datenschutz": "privacy",
    "barrierefreiheit": "accessibility",
    "leichte-sprache": "easy",
    "spielregeln": "rules",
}
# The same pages' slugs under /en/ (an English address for an English page).
ENGLISH_SLUGS = {
    "impressum": "legal-notice",
    "datenschutz": "privacy",
    "barrierefreiheit": "accessibility",
    "leichte-sprache": "easy-language",
    "spielregeln": "rules",
}
_GERMAN_SLUGS = {english: german for german, english in ENGLISH_SLUGS.items()}


def footer_slug(german: str, language: str | None = None) -> str:
    """The slug of the footer page `german` (its German slug) in `language` (default: the
    active one): footer_slug("spielregeln", "en") == "rules"."""
    english = (language or get_language() or "de").startswith("en")
    return ENGLISH_SLUGS.get(german, german) if english else german


def page(request, name: str):
    """Render a footer page in the visitor's language (German where no translation exists);
    a slug of the other language redirects to this language's (/en/spielregeln/ -> /en/rules/)."""
    german = name if name in FOOTER_PAGES else _GERMAN_SLUGS.get(name)
    if german is None:
        raise Http404(name)
    if name != footer_slug(german):
        return redirect("page", name=footer_slug(german), permanent=True)
    template_name = FOOTER_PAGES[german]
    language = (get_language() or "de")[:2]
    try:
        template = select_template(
            [f"pages/{language}/{template_name}.html", f"pages/de/{template_name}.html"]
        )
    except TemplateDoesNotExist as exc:
        raise Http404(name) from exc
    return render(request, template.template.name, {"page_name": german, "reasons": reasons()})


def csrf_failure(request, reason: str = ""):
    """A form came back without a valid CSRF token: say that nothing was saved and what to do."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    """The 400 page in the site's layout (Django's own renders it without the request)."""
    return _error_page(request, "400.html", 400, _("Bad request"))


def server_error(request):
    """The 500 page in the site's layout and the visitor's language."""
    return _error_page(request, "500.html", 500, _("Something went wrong"))


def _error_page(request, template_name: str, status: int, title: str):
    # Rendering the layout may need what just failed (the database, for the header's counter);
    # then a plain page with the same heading is the answer instead.
    try:
        return render(request, template_name, status=status)
    except Exception:
        logger.exception("the error page %s could not be rendered", template_name)
        language, heading = escape(get_language() or "de"), escape(title)
        advice = escape(_("Go back and try again in a few minutes."))
        return HttpResponse(
            f'<!doctype html><html lang="{language}"><title>{heading}</title>'
            f"<h1>{heading}</h1><p>{advice}</p></html>",
            status=status,
        )
