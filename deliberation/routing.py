"""Websocket routes: wiring, like urls.py."""

from django.urls import path

from comments.consumers import DraftConsumer
from comments.moderation.consumers import ModerationConsumer

websocket_urlpatterns = [
    path("ws/drafts/<slug:slug>/", DraftConsumer.as_asgi()),
    path("ws/moderation/", ModerationConsumer.as_asgi()),
]
