"""Tell one person something: in the notifications list, and by e-mail when the site sends mail."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from deliberation.models import Notification

logger = logging.getLogger(__name__)


def notification_send(*, user, text: str, url: str = "", email_subject: str = "") -> Notification:
    """Store a notification; with `email_subject` and SMTP configured, also mail it after COMMIT."""
    notification = Notification.objects.create(user=user, text=text[:500], url=url)
    if email_subject and settings.EMAIL_HOST and user.email:
        link = f"\n\n{settings.SITE_URL}{url}" if url and getattr(settings, "SITE_URL", "") else ""

        def mail():
            try:
                send_mail(email_subject, text + link, None, [user.email])
            except Exception:  # the notification is stored; a mail server hiccup is only logged
                logger.exception("could not e-mail notification %s", notification.pk)

        transaction.on_commit(mail, robust=True)
    return notification
