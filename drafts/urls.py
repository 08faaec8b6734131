from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("drafts/new/", views.draft_create, name="draft_create"),
    path("drafts/<slug:slug>/edit/", views.draft_edit, name="draft_edit"),
    path("drafts/<slug:slug>/open/", views.draft_open, name="draft_open"),
    path("drafts/<slug:slug>/close/", views.draft_close, name="draft_close"),
    path("drafts/<slug:slug>/versions/", views.versions, name="draft_versions"),
    path(
        "drafts/<slug:slug>/versions/<int:a>/diff/<int:b>/", views.version_diff, name="draft_diff"
    ),
    path(
        "drafts/<slug:slug>/versions/<int:a>/diff/<int:b>.docx",
        views.version_diff_docx,
        name="draft_diff_docx",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/revert/",
        views.version_revert,
        name="draft_revert",
    ),
]
