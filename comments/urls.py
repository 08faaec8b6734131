from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import contributions_views, search_views, views

# Site-wide: /meine-beitraege/ and /en/my-contributions/.
urlpatterns = [
    path(_("my-contributions/"), contributions_views.my_contributions, name="my_contributions"),
]

# One draft's: mounted at drafts/<slug:slug>/ (deliberation/urls.py), so these are relative.
draft_urlpatterns = [
    path("", views.draft_detail, name="draft_detail"),
    path("search/", search_views.draft_search, name="draft_search"),
    path("p/<uuid:key>/thread/", views.thread_fragment, name="thread_fragment"),
    path("p/<uuid:key>/comment/", views.comment_post, name="comment_post"),
    path("p/<uuid:key>/vote/", views.vote_post, name="vote_post"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/support/", views.support_post, name="comment_support"),
]
