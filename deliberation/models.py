import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
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


# The participation process around the drafts ---------------------------------------------------
# Drafts point here (Draft.process); nothing in this module imports the drafts app.


class Process(models.Model):
    """A participation process (Beteiligungsverfahren): timeline, sessions, documents, drafts."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    contact_name = models.CharField(_("coordinating office"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_address = models.TextField(_("address"), blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("process_detail", kwargs={"slug": self.slug})

    @property
    def has_contact(self) -> bool:
        return any(
            (self.contact_name, self.contact_email, self.contact_phone, self.contact_address)
        )


class MilestoneState(models.TextChoices):
    PLANNED = "planned", _("planned")
    CURRENT = "current", _("current step")
    DONE = "done", _("done")


class Milestone(models.Model):
    """One step on a process's timeline."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MilestoneState.choices, default=MilestoneState.PLANNED
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["process", "position", "starts_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def is_current(self) -> bool:
        return self.state == MilestoneState.CURRENT


class PublicSession(models.Model):
    """A public meeting or event of a process; hybrid when it has an online link."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    place_accessibility = models.TextField(
        _("accessibility of the place"), blank=True, max_length=2000
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    listeners_welcome = models.BooleanField(_("listeners welcome"), default=True)
    online_url = models.URLField(_("online link"), blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["process", "starts_at"])]
        verbose_name = _("public session")
        verbose_name_plural = _("public sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_hybrid(self) -> bool:
        return bool(self.online_url)

    @property
    def anchor(self) -> str:
        return f"session-{self.pk}"


class DocumentKind(models.TextChoices):
    PROTOCOL = "protocol", _("result protocol")
    PRESENTATION = "presentation", _("presentation")
    OTHER = "other", _("other document")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    MARKDOWN = "md", "Markdown"
    DOCX = "docx", "Word (.docx)"


def _document_path(instance: "Document", filename: str) -> str:
    # A random name: the stored file never carries a name an uploader chose.
    return f"process-documents/{uuid.uuid4().hex}.{instance.file_format or 'bin'}"


class Document(models.Model):
    """A paper of a process (protocol, presentation, ...), optionally tied to a session."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="documents")
    session = models.ForeignKey(
        PublicSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("session"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    date = models.DateField(_("date"))
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    # Detected from the content when uploaded, never taken from the browser.
    file_format = models.CharField(max_length=10, choices=DocumentFormat.choices, editable=False)
    content_type = models.CharField(max_length=120, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    html = models.TextField(
        blank=True, editable=False, help_text="Markdown only: sanitized by deliberation.sanitizing"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        name = "document_detail" if self.is_markdown else "document_download"
        return reverse(name, kwargs={"slug": self.process.slug, "pk": self.pk})

    @property
    def is_markdown(self) -> bool:
        return self.file_format == DocumentFormat.MARKDOWN


class Follow(models.Model):
    """A user follows a process; e-mail only with the explicit consent in `email`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="process_follows"
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="follows")
    email = models.BooleanField(_("also notify me by e-mail"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "process"], name="unique_process_follow")
        ]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return f"{self.user} → {self.process}"


class Notification(models.Model):
    """A message for one user, shown on the notifications page until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What happened (a key of deliberation.notifications.TEXTS) and its details, said in the
    # reader's language when shown; `text` only holds notifications from before kinds existed.
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.display_text[:60]

    @property
    def display_text(self) -> str:
        """The notification in the active language."""
        from deliberation.notifications import notification_text  # it imports this module

        return notification_text(kind=self.kind, params=self.params, fallback=self.text)

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
