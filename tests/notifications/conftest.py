"""Fixtures for the notification machinery: a real SMTP server the site's mail goes to."""

import pytest

from deliberation.notifications import Channel, notification_settings_save
from tests.servers import smtp_server


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) in this process, and the site's mail pointed at it."""
    with smtp_server() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        settings.SITE_URL = "https://beteiligung.example.org"
        yield sink


@pytest.fixture
def wants_mail():
    """Give a person's choice for topics: wants_mail(user, replies="instant", ...)."""

    def choose(user, **topics: str):
        notification_settings_save(user=user, choices={t: Channel(c) for t, c in topics.items()})

    return choose
