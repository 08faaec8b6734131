from django.urls import path

from . import api

urlpatterns = [
    path("me/notifications/", api.my_notifications, name="api_my_notifications"),
]
