from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path("processes/new/", views.process_create, name="process_create"),
    path("processes/<slug:slug>/", views.process_detail, name="process_detail"),
    path("processes/<slug:slug>/edit/", views.process_edit, name="process_edit"),
    path("processes/<slug:slug>/calendar.ics", views.process_calendar, name="process_calendar"),
    path("processes/<slug:slug>/follow/", views.process_follow, name="process_follow"),
    path("processes/<slug:slug>/unfollow/", views.process_unfollow, name="process_unfollow"),
    path("processes/<slug:slug>/milestones/new/", views.milestone_create, name="milestone_create"),
    path(
        "processes/<slug:slug>/milestones/<int:pk>/edit/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "processes/<slug:slug>/milestones/<int:pk>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
    path("processes/<slug:slug>/events/new/", views.session_create, name="session_create"),
    path("processes/<slug:slug>/events/<int:pk>.ics", views.session_ics, name="session_ics"),
    path("processes/<slug:slug>/events/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path(
        "processes/<slug:slug>/events/<int:pk>/delete/",
        views.session_delete,
        name="session_delete",
    ),
    path("processes/<slug:slug>/documents/new/", views.document_create, name="document_create"),
    path(
        "processes/<slug:slug>/documents/<int:pk>/", views.document_detail, name="document_detail"
    ),
    path(
        "processes/<slug:slug>/documents/<int:pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "processes/<slug:slug>/documents/<int:pk>/edit/",
        views.document_edit,
        name="document_edit",
    ),
    path(
        "processes/<slug:slug>/documents/<int:pk>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    # Addresses in the page's language: /benachrichtigungen/ and /en/notifications/.
    path(_("notifications/"), views.notifications, name="notifications"),
    path(_("notifications/read/"), views.notifications_read, name="notifications_read"),
]
