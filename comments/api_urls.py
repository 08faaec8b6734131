from django.urls import path

from . import api

urlpatterns = [
    path("drafts/<slug:slug>/", api.draft_detail, name="api_draft_detail"),
    path("drafts/<slug:slug>/comments/", api.comment_list, name="api_comment_list"),
]
