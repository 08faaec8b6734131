"""URL wiring: the one place (with routing.py and asgi.py) that names the apps."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from deliberation import views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    # The admin logs in through the accounts' log-in, with its limit on wrong passwords.
    path("admin/login/", secure_admin_login(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/", include("drafts.api_urls")),
    path("api/", include("comments.api_urls")),
    path("api/", include("deliberation.process.api_urls")),
    path("api/", include("deliberation.notifications.api_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("deliberation.accounts.urls")),
    path("", include("drafts.urls")),
    path("", include("comments.urls")),
    path("", include("comments.moderation.urls")),
    path("", include("deliberation.process.urls")),
    path("", include("deliberation.notifications.urls")),
    path("", include("comments.offline.urls")),
    path("", include("comments.feedback.urls")),
    path("<slug:name>/", views.page, name="page"),
    prefix_default_language=False,
)

# Errors in the site's layout and the visitor's language (404 and 403: Django's handlers
# render our templates with the request's context; its 400 and 500 handlers do not).
handler400 = views.bad_request
handler500 = views.server_error

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
