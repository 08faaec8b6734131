from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import contributions_views, search_views, views

urlpatterns = [
    # /meine-beitraege/ and /en/my-contributions/
    path(_("my-contributions/"), contributions_views.my_contributions, name="my_contributions"),
    path("drafts/<slug:slug>/", views.draft_detail, name="draft_detail"),
    path("drafts/<slug:slug>/search/", search_views.draft_search, name="draft_search"),
    path("drafts/<slug:slug>/p/<uuid:key>/thread/", views.thread_fragment, name="thread_fragment"),
    path("drafts/<slug:slug>/p/<uuid:key>/comment/", views.comment_post, name="comment_post"),
    path("drafts/<slug:slug>/p/<uuid:key>/vote/", views.vote_post, name="vote_post"),
    path("drafts/<slug:slug>/comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path(
        "drafts/<slug:slug>/comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"
    ),
    path(
        "drafts/<slug:slug>/comments/<int:pk>/support/", views.support_post, name="comment_support"
    ),
]
