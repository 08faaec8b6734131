from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Participation")

    def ready(self):
        from deliberation.accounts import confirmation  # noqa: F401  (connects its receiver)
        from deliberation.accounts import platform_data

        platform_data.register()
