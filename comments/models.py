from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.reasons import reason_label
from drafts.anchoring import CONTEXT_CHARS, Quote
from drafts.diffing import word_diff_html
from drafts.models import Draft, Paragraph

from .search import comment_index

MAX_DEPTH = 2  # threads are shown three levels deep: 0, 1, 2
EDIT_WINDOW = timedelta(minutes=15)


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("awaiting release")
    # Written before the author confirmed the e-mail address: shown to the author only, and
    # released once the address is confirmed (comments/held.py).
    HELD = "held", _("waiting for confirmation of your e-mail address")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    HIDDEN = "hidden", _("removed by moderation")
    DELETED = "deleted", _("deleted by its author")


# Its author may still change it within the edit window; its text may be shown (to whom: the
# selectors decide).
WAITING_OR_PUBLIC = ("published", "pending", "held")

# Gone from the public record: the text is replaced by a placeholder, and nobody is named for it.
REMOVED_STATUSES = (CommentStatus.HIDDEN, CommentStatus.DELETED)


def names_author(status: str) -> bool:
    """Whether a comment in `status` may name its author (account or pseudonym) to anyone.

    The one rule for every reader (API, pages, exports, live events, room view): a comment
    removed by the moderation or deleted by its author never says who wrote it.
    """
    return status not in REMOVED_STATUSES


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    WORKSHOP = "workshop", _("workshop")
    EVENT = "event", _("public event")
    LETTER = "letter", _("letter or e-mail")
    WALK_IN = "walk_in", _("walk-in office")
    PHONE = "phone", _("phone")
    OTHER = "other", _("other")


# Shown instead of a name when a contribution collected offline has no pseudonym: one table for
# the pages (offline/_author.html through the anonymous_author filter) and the live scripts.
ANONYMOUS_AUTHORS = {
    Channel.WORKSHOP: _("Participants in the workshop"),
    Channel.EVENT: _("Participants in the public event"),
    Channel.LETTER: _("Sent by letter or e-mail"),
    Channel.WALK_IN: _("Visit to the walk-in office"),
    Channel.PHONE: _("Contribution by phone"),
    Channel.OTHER: _("Contribution from another format"),
}


def anonymous_labels() -> dict[str, str]:
    """{channel: label} of ANONYMOUS_AUTHORS in the active language, for a page's script."""
    return {channel: str(label) for channel, label in ANONYMOUS_AUTHORS.items()}


class Comment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="comments")
    # By row, not by text: the comment follows its paragraph's stable key through new versions.
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField()
    body_html = models.TextField(help_text="rendered by deliberation.sanitizing.render_comment")
    version = models.PositiveIntegerField(help_text="the draft version the comment was written on")
    # The passage the comment refers to, if any: a W3C Web Annotation TextQuoteSelector as the
    # citizen quoted it (drafts/anchoring.py), and where it is in the paragraph's current text
    # (character offsets; None when the current text no longer contains it).
    quote_exact = models.TextField(blank=True)
    quote_prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    quote_suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    quote_anchored = models.BooleanField(default=True)
    # The key of the paragraph those offsets are in: the one commented on, later the successor
    # that shows the comment (Paragraph.current); None once that paragraph was removed.
    quote_in = models.UUIDField(null=True, blank=True)
    # The paragraph's text when the passage was last found: readers see what changed since.
    quote_lost_text = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # A contribution from an analog or hybrid format, entered by staff on behalf of its author:
    # `author` stays empty, the pseudonym (if any) is shown instead (comments/offline.py).
    contributed_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    session = models.ForeignKey(
        "process.PublicSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    pseudonym = models.CharField(max_length=100, blank=True)
    # Entered after the consultation closed (collected in time, typed in late): marked so.
    late_entry = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    # The last moderation decision: the author and (for hidden comments) the public see why.
    moderation_reason = models.CharField(max_length=40, blank=True)
    moderation_note = models.TextField(blank=True, max_length=1000)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["paragraph", "status", "created_at"]),
            models.Index(fields=["draft", "status", "created_at"]),
            models.Index(fields=["root"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.paragraph_id}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        """Save, and keep the search index and the groups of alike comments in step with the
        text (comments/search.py, comments/similar.py): every write path (services, offline
        entries, moderation, admin) saves through here."""
        new = self._state.adding and self.pk is None  # an id from the database: no likeness yet
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or "body" in fields:
            comment_index(self)
            from .similar import likeness_update  # similar.py reads these models

            likeness_update(self, new=new)

    def get_absolute_url(self) -> str:
        """The comment on its draft's reading page, `#c-<pk>`, with the thread open that shows it
        now: the current paragraph that carries it on (Paragraph.current), not necessarily the
        one it was written on; a comment whose paragraph was removed shows at its former place
        without a thread to open. Reads `draft` and `paragraph` (select_related them in lists)."""
        key = self.paragraph.current_id
        anchor = f"c-{self.pk}"
        if key is None:
            return f"{self.draft.get_absolute_url()}#{anchor}"
        return self.draft.thread_url(key, anchor=anchor)

    @property
    def reason_label(self) -> str:
        return reason_label(self.moderation_reason) if self.moderation_reason else ""

    @property
    def names_author(self) -> bool:
        """See `names_author`: False once the comment was removed or deleted."""
        return names_author(self.status)

    @property
    def quote(self) -> Quote | None:
        """The quoted passage as written (a TextQuoteSelector), or None."""
        if not self.quote_exact:
            return None
        return Quote(self.quote_exact, self.quote_prefix, self.quote_suffix)

    @property
    def quote_diff_html(self) -> str:
        """What changed in the paragraph since the quoted passage was last found (escaped)."""
        if self.quote_anchored or not self.quote_exact:
            return ""
        current = self.paragraph.current
        return word_diff_html(self.quote_lost_text, current.text if current else "")

    @property
    def is_editable(self) -> bool:
        """Its author may still change it (15 minutes after writing)."""
        return self.status in WAITING_OR_PUBLIC and (
            timezone.now() - self.created_at <= EDIT_WINDOW
        )


class CommentEdit(models.Model):
    """An earlier text of an edited comment, kept so that edits stay accountable."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField()
    body_html = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"earlier text of #{self.comment_id}"


class VoteChoice(models.TextChoices):
    AGREE = "agree", _("agree")
    DISAGREE = "disagree", _("disagree")
    NEUTRAL = "neutral", _("neutral")


class ParagraphVote(models.Model):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paragraph_votes"
    )
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "user"], name="one_vote_per_paragraph")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.choice} on {self.paragraph_id}"


class CommentSupport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_support_per_comment")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports #{self.comment_id}"


class ParagraphTally(models.Model):
    """Counters per paragraph, updated with F() in the writing transaction; never in Python."""

    paragraph = models.OneToOneField(
        Paragraph, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    agree = models.PositiveIntegerField(default=0)
    disagree = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0, help_text="published comments and replies")
    rev = models.PositiveBigIntegerField(
        default=0, help_text="bumped with every change of the vote counts: the newest counts win"
    )

    def __str__(self) -> str:
        return f"tally of {self.paragraph_id}"

    def vote_counts(self) -> dict[str, int]:
        return {"agree": self.agree, "disagree": self.disagree, "neutral": self.neutral}


class SimilarGroup(models.Model):
    """Comments on one paragraph that say (nearly) the same: campaign texts, copies with small
    edits, close paraphrases (comments/similar.py). `terms` is the text its comments are
    compared with: the stemmed words of the comment that started it."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    terms = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["paragraph"])]

    def __str__(self):
        return f"alike #{self.pk}: {self.terms[:60]}"


class Likeness(models.Model):
    """A comment's text as the likeness compares it (stemmed words, comments/similar.py) and
    its group of alike comments (none for a text without words). Who may see the comment is
    not kept here: every read narrows by the comment's status."""

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="likeness"
    )
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    terms = models.TextField()
    group = models.ForeignKey(
        SimilarGroup, null=True, on_delete=models.SET_NULL, related_name="members"
    )

    def __str__(self):
        return f"comment #{self.comment_id} in alike #{self.group_id}"
