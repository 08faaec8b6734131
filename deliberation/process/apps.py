from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessConfig(AppConfig):
    """The participation process: timeline, public sessions, documents, follows."""

    name = "deliberation.process"
    label = "process"
    verbose_name = _("Participation processes")

    def ready(self):
        from . import personal_data

        personal_data.register()
