from django.urls import path

from . import api

urlpatterns = [
    path("processes/", api.process_list, name="api_process_list"),
    path("me/notifications/", api.my_notifications, name="api_my_notifications"),
]
