"""The real URLs plus one page that fails, to see the 500 page through the real handlers."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from deliberation.urls import *  # noqa: F403 - the handlers too
from deliberation.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [
    *i18n_patterns(path("crash/", crash), prefix_default_language=False),
    *site_urlpatterns,
]
