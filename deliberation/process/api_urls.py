from django.urls import path

from . import api

urlpatterns = [
    path("processes/", api.process_list, name="api_process_list"),
]
