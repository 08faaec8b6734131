from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Reports, the release queue, blocks and the append-only moderation log."""

    name = "comments.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from deliberation.notifications import notification_kinds_register

        from . import personal_data
        from .services import NOTIFICATION_TEXTS

        notification_kinds_register(NOTIFICATION_TEXTS)
        personal_data.register()
