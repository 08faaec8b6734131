from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Participation")

    def ready(self):
        from deliberation.accounts import (
            confirmation,  # noqa: F401  (connects its receiver)
            platform_data,
            signin_data,
        )

        platform_data.register()
        signin_data.register()
