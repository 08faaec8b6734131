from django.urls import path

from . import views

# One draft's: mounted at drafts/<slug:slug>/ (deliberation/urls.py), so these are relative.
draft_urlpatterns = [
    path(
        "contributions/new/",
        views.contributions_new,
        name="offline_contributions_new",
    ),
    path("room/", views.room, name="draft_room"),
]
