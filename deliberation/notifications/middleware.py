"""Remember the language a signed-in person reads in: their mails are written in it."""

from django.utils.translation import get_language

from .services import language_remember

SESSION_KEY = "_mail_language"


def remember_at_login(sender, request, user, **kwargs):
    """user_logged_in: the language of the login page (or the active one) is theirs now, so
    that the next pages need no write unless the language changes."""
    language = getattr(request, "LANGUAGE_CODE", None) or get_language()
    session = getattr(request, "session", None)
    if language and session is not None and session.get(SESSION_KEY) != language:
        language_remember(user=user, language=language)
        session[SESSION_KEY] = language


def _is_reading_page(request, response) -> bool:
    """A page of the site in the language its address chose: HTML, not the admin. The JSON API
    and other addresses outside the language prefixes always run in the default language (or
    one given by `?lang=`), so they must not change what a person reads in."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" not in match.namespaces


class LanguagePreferenceMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: stores a page's language as the
    person's mail language when it differs from what this session stored last (one write per
    change of language, not per request). Only pages count (see _is_reading_page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", None) or get_language()
        if (
            user is not None
            and user.is_authenticated
            and language
            and request.session.get(SESSION_KEY) != language
            and _is_reading_page(request, response)
        ):
            language_remember(user=user, language=language)
            request.session[SESSION_KEY] = language
        return response
