from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventStream(models.Model):
    """The last sequence number handed out on one stream (one per draft and audience)."""

    name = models.CharField(max_length=100, unique=True)
    seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.seq}"


class Event(models.Model):
    """A broadcast event, kept for a while so that reconnecting clients can resume."""

    stream = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    text = models.TextField(help_text="the JSON frame exactly as sent")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="unique_event_seq")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.type}"


class WriteReceipt(models.Model):
    """The answer to a write sent with a request id: a repeat within ten minutes gets it again.

    Keyed by person and request id (the websocket's `request_id`, a form's one-time token); the
    unique constraint makes two concurrent repeats wait for each other (deliberation/idempotency.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, help_text="sha256 of the request id's JSON text")
    fingerprint = models.CharField(
        max_length=64, default="", help_text="sha256 of the write's action and parameters (JSON)"
    )
    answer = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_receipt_per_request")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key[:8]}"


class Notification(models.Model):
    """A message for one user, shown on the notifications page until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What happened (a kind registered in deliberation.notifications) and its details, said in the
    # reader's language when shown; `text` only holds notifications from before kinds existed.
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # How it is mailed ("" not at all, else a notifications.Channel) and the mail that carries
    # it once there is one: a digest collects those of its period without a delivery yet.
    mail = models.CharField(max_length=10, blank=True)
    delivery = models.ForeignKey(
        "deliberation.Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["mail", "delivery"]),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.display_text[:60]

    @property
    def display_text(self) -> str:
        """The notification in the active language."""
        from deliberation.notifications.kinds import notification_text

        return notification_text(kind=self.kind, params=self.params, fallback=self.text)

    @property
    def details(self) -> dict:
        """Its extra parts in the active language: {"quote", "diff_html", "diff_text"} or {}."""
        from deliberation.notifications.kinds import notification_details

        return notification_details(kind=self.kind, params=self.params)

    @property
    def safe_url(self) -> str:
        """The link if it stays on a site path (in the active language) or is http(s); never
        javascript: and the like."""
        from deliberation.languages import default_path_in_language

        url = self.url.strip()
        if url.startswith("/") and not url.startswith("//"):
            return default_path_in_language(url)
        if url.lower().startswith(("https://", "http://")):
            return url
        return ""


# The notification machinery's own tables (settings, languages, the mail outbox, periodic runs).
from deliberation.notifications.models import (  # noqa: E402, F401
    Delivery,
    DeliveryState,
    MailProfile,
    NotificationSetting,
    ScheduledRun,
)
