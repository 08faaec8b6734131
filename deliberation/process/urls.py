from django.urls import path

from .views import editing, pages

urlpatterns = [
    path("processes/new/", editing.process_create, name="process_create"),
    path("processes/<slug:slug>/", pages.process_detail, name="process_detail"),
    path("processes/<slug:slug>/edit/", editing.process_edit, name="process_edit"),
    path("processes/<slug:slug>/calendar.ics", pages.process_calendar, name="process_calendar"),
    path("processes/<slug:slug>/follow/", pages.process_follow, name="process_follow"),
    path("processes/<slug:slug>/unfollow/", pages.process_unfollow, name="process_unfollow"),
    path(
        "processes/<slug:slug>/milestones/new/", editing.milestone_create, name="milestone_create"
    ),
    path(
        "processes/<slug:slug>/milestones/<int:pk>/edit/",
        editing.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "processes/<slug:slug>/milestones/<int:pk>/delete/",
        editing.milestone_delete,
        name="milestone_delete",
    ),
    path("processes/<slug:slug>/events/new/", editing.session_create, name="session_create"),
    path("processes/<slug:slug>/events/<int:pk>.ics", pages.session_ics, name="session_ics"),
    path("processes/<slug:slug>/events/<int:pk>/edit/", editing.session_edit, name="session_edit"),
    path(
        "processes/<slug:slug>/events/<int:pk>/delete/",
        editing.session_delete,
        name="session_delete",
    ),
    path("processes/<slug:slug>/documents/new/", editing.document_create, name="document_create"),
    path(
        "processes/<slug:slug>/documents/<int:pk>/", pages.document_detail, name="document_detail"
    ),
    path(
        "processes/<slug:slug>/documents/<int:pk>/download/",
        pages.document_download,
        name="document_download",
    ),
    path(
        "processes/<slug:slug>/documents/<int:pk>/edit/",
        editing.document_edit,
        name="document_edit",
    ),
    path(
        "processes/<slug:slug>/documents/<int:pk>/delete/",
        editing.document_delete,
        name="document_delete",
    ),
]
