from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "drafts"
    verbose_name = _("Drafts")

    def ready(self):
        from deliberation.notifications import notification_kinds_register

        from . import personal_data
        from .services import NOTIFICATION_TEXTS

        notification_kinds_register(NOTIFICATION_TEXTS, topic="process")
        personal_data.register()
