"""Reports, blocks and the moderation log (the audit trail). Tables keep their names from the
time these models lived in `comments` (comments_flag, comments_userblock,
comments_moderationaction): moderation/migrations/0001 took them over without touching a row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from deliberation.reasons import reason_label
from drafts.models import Draft, ModerationMode


class Flag(models.Model):
    """A citizen's report of a comment, with a reason from the catalogue."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    reason = models.CharField(max_length=40)
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "comments_flag"
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_flag_per_reporter")
        ]
        indexes = [models.Index(fields=["resolved_at", "comment"])]

    def __str__(self) -> str:
        return f"report of #{self.comment_id}: {self.reason}"

    def get_reason_label(self) -> str:
        return reason_label(self.reason)


class UserBlock(models.Model):
    """A user blocked from writing, for a period or for good, with a written justification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    justification = models.TextField(max_length=1000)
    until = models.DateTimeField(null=True, blank=True, help_text="empty: permanently")
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "comments_userblock"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"block of {self.user_id}"


class ModerationActionKind(models.TextChoices):
    RELEASE = "release", _("released")
    REJECT = "reject", _("rejected")
    HIDE = "hide", _("hidden")
    AUTO_HIDE = "auto_hide", _("hidden after reports")
    RESTORE = "restore", _("restored")
    DISMISS = "dismiss", _("reports dismissed")
    RESUBMIT = "resubmit", _("resubmitted by the author")
    BLOCK = "block", _("user blocked")
    UNBLOCK = "unblock", _("user unblocked")
    MODE = "mode", _("moderation mode changed")


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete an entry of the moderation log."""


class AppendOnlyQuerySet(models.QuerySet):
    """Reads and inserts only: bulk changes and deletes are refused before they reach the
    database (which refuses them too, by trigger: comments/migrations/0006)."""

    def update(self, **kwargs):
        raise AppendOnlyError("The moderation log is append-only.")

    def delete(self):
        raise AppendOnlyError("The moderation log is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The moderation log is append-only.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnlyError("The moderation log is append-only.")


class ModerationAction(models.Model):
    """The audit log: who did what to which comment or user, when and why. Append-only.

    Refused: save() of a stored entry, delete(), and update()/delete() on `objects`; the
    database refuses every UPDATE and DELETE itself (triggers on PostgreSQL and SQLite), so
    another manager, raw SQL or the admin cannot change the record either. The one change it
    accepts: links to rows that are deleted become NULL (on_delete=SET_NULL), and when the link
    to an account goes, the name kept beside it may be replaced in the same UPDATE (so a
    deleted account can be shown as such: `_base_manager.filter(actor=user).update(actor=None,
    actor_name=...)` before the account is deleted). `manage.py flush` may empty the log.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="kept if the account goes")
    action = models.CharField(max_length=12, choices=ModerationActionKind.choices)
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_name = models.CharField(max_length=150, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "comments_moderationaction"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} #{self.comment_id or self.target_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The moderation log is append-only.")

    def get_reason_label(self) -> str:
        return reason_label(self.reason) if self.reason else ""

    def get_note_display(self) -> str:
        """The note; for a change of moderation mode (stored as its code) the mode's name."""
        if self.action == ModerationActionKind.MODE and self.note in ModerationMode.values:
            return str(ModerationMode(self.note).label)
        return self.note
