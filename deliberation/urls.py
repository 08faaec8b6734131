"""URL wiring: the one place (with routing.py and asgi.py) that names the apps."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from comments import urls as comment_urls
from comments.feedback import urls as feedback_urls
from comments.moderation import urls as moderation_urls
from comments.offline import urls as offline_urls
from deliberation import views

# One draft's addresses, /drafts/<slug>/…: each app lists its own, relative to the draft, in its
# urls.py as `draft_urlpatterns` (docs/architecture.md has the whole map, view by view).
draft_urlpatterns = [
    *comment_urls.draft_urlpatterns,  # the reading page, search, threads, comments, votes
    *moderation_urls.draft_urlpatterns,  # reports, resubmitting, the moderation mode
    *offline_urls.draft_urlpatterns,  # contributions from workshops and letters, the room view
    *feedback_urls.draft_urlpatterns,  # answers, summary, exports, results
]

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
    path("", include("drafts.urls")),  # home, new drafts, a draft's editing and versions
    path("drafts/<slug:slug>/", include(draft_urlpatterns)),
    path("moderation/", include(moderation_urls.urlpatterns)),  # queue, blocks, the log
    path("", include(comment_urls.urlpatterns)),  # my contributions
    path("", include("deliberation.process.urls")),
    path("", include("deliberation.notifications.urls")),
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
