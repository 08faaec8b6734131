from django.apps import AppConfig
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Reports, the release queue, blocks and the append-only moderation log."""

    name = "comments.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from datetime import timedelta

        from comments.consumers import CommentAction, comment_action_register
        from deliberation.notifications import (
            notification_kinds_register,
            periodic_register,
            topic_register,
        )

        from . import jobs, personal_data
        from .services import NOTIFICATION_TEXTS, flag_create

        topic_register(
            "moderation",
            label=gettext_lazy("My comments released, not released or removed by the moderation"),
        )
        notification_kinds_register(NOTIFICATION_TEXTS, topic="moderation")
        personal_data.register()
        # Readers report a comment over the draft socket too (docs/protocol.md, "flag").
        comment_action_register(
            "flag",
            CommentAction(
                fields={"reason": None, "note": ""},
                write=flag_create,
                bad_message=gettext_lazy(
                    "A report needs “comment”, “reason” and optionally “note”."
                ),
            ),
        )
        # A block that ran out is told to its person (comments/moderation/jobs.py).
        periodic_register(
            "blocks_expired", every=timedelta(minutes=5), run=jobs.blocks_expired_notify
        )
