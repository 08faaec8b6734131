import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision

from deliberation.roles import is_working_group

from .diffing import CHANGE_FIGURES, changes_summary, version_description


def paragraph_anchor(key) -> str:
    """The id of paragraph `key` on the reading page, `p-<key>`: the fragment every link and
    every form that returns to a paragraph ends in."""
    return f"p-{key}"


def parse_paragraph_key(value) -> str | None:
    """A paragraph key as a query parameter or a websocket frame carries it: the canonical UUID
    text, or None for anything that is not a UUID (never an exception: an unknown key is just
    unknown). URL paths take the `<uuid:key>` converter instead."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


class DraftStatus(models.TextChoices):
    PREPARATION = "preparation", _("in preparation")
    CONSULTATION = "consultation", _("open for comments")
    CLOSED = "closed", _("consultation closed")
    FINAL = "final", _("final version")


class ModerationMode(models.TextChoices):
    PRE = "pre", _("pre-moderation: comments appear once released")
    POST = "post", _("post-moderation: comments appear at once")


class DraftQuerySet(models.QuerySet):
    def visible_to(self, user, now: datetime | None = None) -> "DraftQuerySet":
        """The drafts `user` may see at `now` (default: now): all of them for the working group;
        for everyone else those not in preparation, i.e. adopted as final or opened by `now`.
        The same rule as `Draft.status_at(now) != PREPARATION`, as a query, so that the home
        page, the process pages and the API agree (a final draft that never opened is shown)."""
        if is_working_group(user):
            return self
        now = now or timezone.now()
        return self.filter(
            models.Q(is_final=True) | models.Q(opens_at__isnull=False, opens_at__lte=now)
        )


class Draft(models.Model):
    """A guidelines text under consultation; its status follows the consultation window."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    introduction = models.TextField(_("introduction"), blank=True, max_length=5000)
    opens_at = models.DateTimeField(_("consultation opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("consultation closes"), null=True, blank=True)
    is_final = models.BooleanField(_("adopted as final"), default=False)
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    version = models.PositiveIntegerField(_("current version"), default=0, editable=False)
    process = models.ForeignKey(
        "process.Process",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
        verbose_name=_("participation process"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-created_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("draft_detail", kwargs={"slug": self.slug})

    def thread_url(self, key, *, order: str | None = None, anchor: str | None = None) -> str:
        """The reading page with the thread of paragraph `key` open (`?thread=<key>`, and
        `&order=` when given), at `#<anchor>`: the paragraph's own unless another is named."""
        query = {"thread": str(key)} | ({"order": order} if order else {})
        return f"{self.get_absolute_url()}?{urlencode(query)}#{anchor or paragraph_anchor(key)}"

    def status_at(self, now: datetime) -> str:
        if self.is_final:
            return DraftStatus.FINAL
        if self.opens_at is None or now < self.opens_at:
            return DraftStatus.PREPARATION
        if self.closes_at is not None and now >= self.closes_at:
            return DraftStatus.CLOSED
        return DraftStatus.CONSULTATION

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return DraftStatus(self.status).label

    @property
    def is_pre_moderated(self) -> bool:
        return self.moderation == ModerationMode.PRE


class ParagraphKind(models.TextChoices):
    HEADING = "heading", _("heading")
    TEXT = "text", _("text")
    LIST = "list", _("list")
    QUOTE = "quote", _("quote")
    TABLE = "table", _("table")


class ParagraphFate(models.TextChoices):
    REWRITTEN = "rewritten", _("rewritten")
    MERGED = "merged", _("merged into another paragraph")
    SPLIT = "split", _("split into several paragraphs")
    REMOVED = "removed", _("removed")


class Paragraph(models.Model):
    """One block of a draft; its key stays the same across versions while the text evolves."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="paragraphs")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField()
    kind = models.CharField(
        max_length=10, choices=ParagraphKind.choices, default=ParagraphKind.TEXT
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    section = models.CharField(max_length=20, blank=True)
    source = models.TextField()
    html = models.TextField(help_text="sanitized by deliberation.sanitizing")
    text = models.TextField(help_text="plain text, for matching and diffs")
    # A paragraph that a later version removed is archived, never deleted: comments point at it.
    archived = models.BooleanField(default=False)
    created_in_version = models.PositiveIntegerField(default=1)
    archived_in_version = models.PositiveIntegerField(null=True, blank=True)
    # What became of it when it was archived (drafts.matching): rewritten, merged, split or
    # removed; empty while it is part of the current version.
    fate = models.CharField(max_length=10, choices=ParagraphFate.choices, blank=True)
    # The paragraph that took its place and carries its comments on (None: removed).
    successor = models.ForeignKey(
        "self",
        to_field="key",
        db_column="successor_key",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The paragraph of the current version that shows its comments: itself while live, else
    # the end of its chain of successors; None when that chain ends in a removal. Kept by
    # drafts.services on every new version (by key, so a comment's payload needs no query).
    current = models.ForeignKey(
        "self",
        to_field="key",
        db_column="current_key",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried",
    )
    # For a removed paragraph: the paragraph it followed that the new version kept (None: it
    # came first), so that its comments show at its former place.
    placed_after = models.ForeignKey(
        "self",
        to_field="key",
        db_column="placed_after_key",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["draft", "archived", "position"])]

    def __str__(self) -> str:
        return f"{self.draft.slug} #{self.position}: {self.text[:60]}"

    @property
    def anchor(self) -> str:
        return paragraph_anchor(self.key)


class DraftVersion(models.Model):
    """A published version: meta data of the reversion revision that holds its paragraphs."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, related_name="draft_version"
    )
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    message = models.CharField(_("what changed"), max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    source = models.TextField(help_text="the whole text as published (Markdown)")
    source_format = models.CharField(max_length=10, default="markdown")
    # What the version changed, as figures ({"changed", "added", "removed", "moved"}; empty for
    # the first version) and, for a revert, {"reverted_to": N}: said in the reader's language.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.draft.slug} v{self.number}"

    @property
    def summary(self) -> str:
        """What changed, in the active language ("" for the first version)."""
        figures = {k: v for k, v in self.changes.items() if k in CHANGE_FIGURES}
        return changes_summary(figures) if figures else ""

    @property
    def description(self) -> str:
        """The publisher's message; the platform's own ones in the active language."""
        if self.message:
            return self.message
        return version_description(number=self.number, **self.changes)


# Versions: each published version is one revision holding the draft and all its live paragraphs.
# Counters and bookkeeping fields are left out; only the text and its shape are versioned.
import reversion  # noqa: E402

reversion.register(Draft, fields=["title", "slug", "introduction"])
reversion.register(
    Paragraph,
    fields=[
        "draft",
        "key",
        "position",
        "kind",
        "level",
        "section",
        "source",
        "html",
        "text",
        "archived",
    ],
)
