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


class LanguagePreferenceMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: stores the page's language as the
    person's mail language when it differs from what this session stored last (one write per
    change of language, not per request)."""

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
        ):
            language_remember(user=user, language=language)
            request.session[SESSION_KEY] = language
        return response
