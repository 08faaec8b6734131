"""The participation process around the drafts: timeline, public sessions, documents, follows.

Drafts point here (``Draft.process``); nothing in this module imports the drafts app. The tables
keep the names they had while these models lived in the ``deliberation`` app (``db_table``), so
the move into this app changed no table (migrations: process 0001, deliberation 0007).
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        db_table = "deliberation_process"
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
        db_table = "deliberation_milestone"
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
        db_table = "deliberation_publicsession"
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


def document_path(instance: "Document", filename: str) -> str:
    """Where an upload is stored: ``process-documents/<32 hex>.<format>``, a random name, so the
    stored file never carries a name an uploader chose (``filename`` is ignored)."""
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
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
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
        db_table = "deliberation_document"
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
        db_table = "deliberation_follow"
        constraints = [
            models.UniqueConstraint(fields=["user", "process"], name="unique_process_follow")
        ]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return f"{self.user} → {self.process}"
