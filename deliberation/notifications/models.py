"""What the notifications machinery keeps: choices per person, languages, the mail outbox.

Part of the `deliberation` app (deliberation/models.py imports these). The outbox is a table:
a mail is a `Delivery` row written in the same transaction as its notifications, so nothing is
lost when the process stops or the mail server is away; the worker sends it (delivery.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .channels import Channel


class NotificationSetting(models.Model):
    """A person's choice of channel for one topic (kinds.Topic); no row: the topic's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    topic = models.CharField(_("topic"), max_length=40)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_setting_per_topic")
        ]
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.topic}={self.channel}"


class MailProfile(models.Model):
    """The language a person last used on the site (or chose): their mails are written in it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="mail_profile",
    )
    language = models.CharField(_("language"), max_length=8, default="de")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.language}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed for good")
    CANCELLED = "cancelled", _("not sent (unsubscribed)")


class Delivery(models.Model):
    """One mail to one person: a notification at once, or a digest of several.

    pending → sending (claimed by one worker: `claim`) → sent, or back to pending with a later
    `next_attempt_at` after a failure, or failed once the attempts are used up. `key` makes a
    digest unique per person and period, so that no item is mailed twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    key = models.CharField(max_length=100, unique=True)
    period = models.CharField(
        max_length=10, blank=True, help_text="empty for a single notification, else the digest's"
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class ScheduledRun(models.Model):
    """A periodic job's run for one time slot: the unique row lets one worker of many start it."""

    job = models.CharField(max_length=60)
    slot = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.job}@{self.slot.isoformat()}"
