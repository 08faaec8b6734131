from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    """Contributions from analog and hybrid formats, entered by staff, and the room view."""

    name = "comments.offline"
    label = "offline"
    verbose_name = _("Offline contributions")
