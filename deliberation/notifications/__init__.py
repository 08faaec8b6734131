"""Close the loop: tell every participant what became of what they said.

The platform's generic machinery (it imports no app): kinds and topics (kinds.py), people's
choices per topic and their language, the notifications themselves, the mail outbox and its
delivery by the worker (delivery.py, tasks.py), digests, one-click unsubscribe. Apps register
their kinds in ready() with `notification_kinds_register` (and `topic_register`), and call
`notify` / `notify_many` from their services:

    notify(user=comment.author, kind="comment_reply", params={...}, url=permalink)

Whether it is also mailed, at once or in a digest, is the person's choice, never the caller's.
"""

from .channels import Channel
from .kinds import notification_kinds_register, notification_text, stored_url, topic_register
from .schedule import periodic_register
from .services import Note, notification_settings_save, notify, notify_many

__all__ = [
    "Channel",
    "Note",
    "notification_kinds_register",
    "notification_settings_save",
    "notification_text",
    "notify",
    "notify_many",
    "periodic_register",
    "stored_url",
    "topic_register",
]
