from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    # Addresses in the page's language: /benachrichtigungen/ and /en/notifications/.
    path(_("notifications/"), views.notifications, name="notifications"),
    path(_("notifications/read/"), views.notifications_read, name="notifications_read"),
    # Addresses in the page's language, like the notifications list (/benachrichtigungen/).
    path(_("notifications/settings/"), views.notification_settings, name="notification_settings"),
    path(_("notifications/<int:pk>/read/"), views.notification_read, name="notification_read"),
    path(
        _("notifications/unsubscribe/<str:token>/"),
        views.unsubscribe,
        name="notifications_unsubscribe",
    ),
]
