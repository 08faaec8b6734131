from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Participation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from deliberation import sqlite_connections
        from deliberation.accounts import (
            confirmation,  # noqa: F401  (connects its receiver)
            platform_data,
            signin_data,
        )
        from deliberation.notifications.jobs import platform_jobs_register
        from deliberation.notifications.middleware import remember_at_login

        sqlite_connections.connect()
        platform_data.register()
        signin_data.register()
        platform_jobs_register()
        user_logged_in.connect(remember_at_login, dispatch_uid="mail_language")
