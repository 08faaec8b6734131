"""The working group's answers to comments. The table keeps its name from the time the model lived
in `comments` (comments_answer): feedback/migrations/0001 took it over without touching a row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from drafts.models import Draft


class Disposition(models.TextChoices):
    """How the working group dealt with a comment (the column "Abwägung" of the answer table)."""

    ADOPTED = "adopted", _("adopted")
    PARTLY_ADOPTED = "partly_adopted", _("partly adopted")
    NOT_ADOPTED = "not_adopted", _("not adopted")
    NOTED = "noted", _("noted")
    TO_DISCUSS = "to_discuss", _("to be discussed in the working group")


# The longest answer or standard reply the working group writes (services check it, forms say it).
MAX_REPLY_CHARS = 5000


class Answer(models.Model):
    """The working group's answer to one comment; internal until published (comments/feedback/services.py)."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="answer")
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    reply = models.TextField(blank=True, max_length=MAX_REPLY_CHARS)
    reply_html = models.TextField(
        blank=True, help_text="rendered by deliberation.sanitizing.render_comment"
    )
    version_taken_up = models.PositiveIntegerField(
        null=True, blank=True, help_text="the draft version that took the comment up"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The group answer this answer came from (all its fields are copies of the group's); None
    # for an answer written to this comment alone, or changed alone since.
    group = models.ForeignKey(
        "GroupAnswer", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )

    class Meta:
        db_table = "comments_answer"
        indexes = [models.Index(fields=["version_taken_up"])]

    def __str__(self) -> str:
        return f"answer to #{self.comment_id}: {self.disposition}"


# The working group's tools for many comments (comments/feedback/group_services.py) ------------


class GroupAnswer(models.Model):
    """One answer given to a group of comments (a selection, a search result, a theme): each
    comment of the group gets an Answer with these fields and a link here, so it counts as
    answered everywhere an answer counts."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="group_answers")
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    reply = models.TextField(blank=True, max_length=MAX_REPLY_CHARS)
    reply_html = models.TextField(blank=True)
    version_taken_up = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"group answer {self.pk} on {self.draft_id}: {self.disposition}"


class Theme(models.Model):
    """A theme (tag) the working group gives comments of one draft; a comment may have several."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=100)
    comments = models.ManyToManyField(Comment, related_name="themes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "name"], name="one_theme_name_per_draft")
        ]

    def __str__(self) -> str:
        return self.name


class TextBlock(models.Model):
    """A reusable standard reply (Textbaustein) of one draft, to insert into answers."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="text_blocks")
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=MAX_REPLY_CHARS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "title"], name="one_block_title_per_draft")
        ]

    def __str__(self) -> str:
        return self.title


class Handling(models.Model):
    """The working group's internal record of one comment: who handles it and a note. Never
    published, exported publicly or sent to citizens (not in the API or the websocket)."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="handling")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["assignee"])]

    def __str__(self) -> str:
        return f"handling of #{self.comment_id}"


# The answer table in Word, made by the worker (comments/feedback/export_services.py) --------------


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class TableExport(models.Model):
    """One build of the answer table as a Word document for one draft, edition (public or the
    working group's internal one) and language, by the worker. At most one per draft, edition
    and language is waiting or being made at a time (a second request joins it). `fingerprint`
    sums up the table's inputs when the build started (export_services.table_inputs_fingerprint):
    a ready file whose fingerprint is still the current one is served again, not rebuilt.
    `file` is a name in the private storage "exports" (settings.EXPORTS_ROOT), never in MEDIA."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="table_exports")
    internal = models.BooleanField(default=False)
    language = models.CharField(max_length=8)
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    fingerprint = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0, help_text="bytes")
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "internal", "language"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_table_export_building",
            )
        ]
        indexes = [models.Index(fields=["draft", "internal", "language", "-id"])]

    def __str__(self) -> str:
        edition = "internal" if self.internal else "public"
        return (
            f"answer table {self.pk} of {self.draft_id} ({edition}, {self.language}): {self.status}"
        )
