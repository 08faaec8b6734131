"""How a person hears of a topic: the choices on the notifications settings page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SITE = "site", _("on the site only")
    INSTANT = "instant", _("on the site and by e-mail at once")
    DAILY = "daily", _("on the site and in a daily e-mail")
    WEEKLY = "weekly", _("on the site and in a weekly e-mail")
    OFF = "off", _("not at all")


# The channels that send mail, and the digest periods among them.
MAILING = (Channel.INSTANT, Channel.DAILY, Channel.WEEKLY)
DIGESTS = (Channel.DAILY, Channel.WEEKLY)
