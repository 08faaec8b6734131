from django.urls import path

from . import views

urlpatterns = [
    path(
        "drafts/<slug:slug>/contributions/new/",
        views.contributions_new,
        name="offline_contributions_new",
    ),
    path("drafts/<slug:slug>/room/", views.room, name="draft_room"),
]
