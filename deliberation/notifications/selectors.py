"""Reads for the notification pages."""

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
