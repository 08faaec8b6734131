"""Reads for the notification pages, the header's unread count and the API."""

from deliberation.models import Notification

from .channels import Channel
from .kinds import TOPICS
from .services import channels_for


def notification_settings_rows(*, user) -> list[dict]:
    """Per registered topic: {"topic", "channel" (chosen or default), "choices" [(code, label)]}."""
    chosen = channels_for(user_ids=[user.pk], topics=TOPICS)
    rows = []
    for topic in TOPICS.values():
        choices = [
            (code, label)
            for code, label in Channel.choices
            if not (topic.required and code == Channel.OFF)
        ]
        rows.append(
            {
                "topic": topic,
                "channel": chosen.get((user.pk, topic.name), topic.default),
                "choices": choices,
            }
        )
    return rows


def notifications_list(*, user, limit: int = 200) -> list[Notification]:
    """The user's newest `limit` notifications, newest first."""
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def notifications_unread_count(*, user) -> int:
    """How many of the user's notifications are unread (0 for a visitor): one indexed COUNT."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
