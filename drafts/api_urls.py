from django.urls import path

from . import api

urlpatterns = [
    path("drafts/", api.draft_list, name="api_draft_list"),
]
