"""The working group's answers to comments. The table keeps its name from the time the model lived
in `comments` (comments_answer): feedback/migrations/0001 took it over without touching a row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.models import Comment


class Disposition(models.TextChoices):
    """How the working group dealt with a comment (the column "Abwägung" of the answer table)."""

    ADOPTED = "adopted", _("adopted")
    PARTLY_ADOPTED = "partly_adopted", _("partly adopted")
    NOT_ADOPTED = "not_adopted", _("not adopted")
    NOTED = "noted", _("noted")
    TO_DISCUSS = "to_discuss", _("to be discussed in the working group")


class Answer(models.Model):
    """The working group's answer to one comment; internal until published (comments/feedback/services.py)."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="answer")
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    reply = models.TextField(blank=True, max_length=5000)
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

    class Meta:
        db_table = "comments_answer"
        indexes = [models.Index(fields=["version_taken_up"])]

    def __str__(self) -> str:
        return f"answer to #{self.comment_id}: {self.disposition}"
