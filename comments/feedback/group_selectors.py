"""Reads for the working group's work on many comments: the answer list's filters beyond
paragraph and disposition (search, status, theme, channel, answered, dates, assignee), the
themes and text blocks of a draft, and figures by theme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from comments.models import Channel, Comment, CommentStatus
from comments.permissions import can_see_unreleased
from comments.search import MAX_QUERY_CHARS, comments_search

from .models import TextBlock, Theme


@dataclass
class MoreFilters:
    """The answer list's further filters, as the page's form sends them (cleaned)."""

    q: str = ""
    language: str = "de"
    status: str = CommentStatus.PUBLISHED
    theme: int | None = None
    channel: str = ""
    answered: str = ""  # "yes", "no" or "" (both)
    since: date | None = None
    until: date | None = None
    assignee: str = ""  # "me", "none", a user id, or "" (anyone)
    alike: int | None = None  # a group of alike comments (comments/similar.py)

    def active(self) -> bool:
        return bool(
            self.q
            or self.status != CommentStatus.PUBLISHED
            or self.theme
            or self.channel
            or self.answered
            or self.since
            or self.until
            or self.assignee
            or self.alike
        )


def _day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and 1900 <= day.year <= 2199 else None


def more_filters(params, *, user, language: str) -> MoreFilters:
    """The further filters from a query dict; values that make no sense are left out."""
    status = params.get("status", "")
    if status not in CommentStatus.values or not can_see_unreleased(user=user):
        status = CommentStatus.PUBLISHED
    theme, alike = params.get("theme", ""), params.get("alike", "")
    assignee = params.get("assignee", "")
    if assignee not in ("me", "none") and not assignee.isdigit():
        assignee = ""
    return MoreFilters(
        q=params.get("q", "").strip()[:MAX_QUERY_CHARS],
        language=language,
        status=status,
        theme=int(theme) if theme.isdigit() and len(theme) < 12 else None,
        channel=params.get("channel", "") if params.get("channel") in Channel.values else "",
        answered=params.get("answered", "") if params.get("answered") in ("yes", "no") else "",
        since=_day(params.get("since", "")),
        until=_day(params.get("until", "")),
        assignee=assignee[:12],
        alike=int(alike) if alike.isdigit() and len(alike) < 12 else None,
    )


def narrow(qs: QuerySet[Comment], *, filters: MoreFilters, user) -> QuerySet[Comment]:
    """`qs` (comments of one draft) narrowed by `filters`; `user` is "me"."""
    qs = qs.filter(status=filters.status)
    if filters.q:
        qs = comments_search(qs, text=filters.q, language=filters.language)
    if filters.theme:
        qs = qs.filter(themes__id=filters.theme)
    if filters.alike:
        qs = qs.filter(likeness__group_id=filters.alike)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.answered:
        qs = qs.filter(answer__isnull=filters.answered == "no")
    zone = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until:
        qs = qs.filter(created_at__lte=datetime.combine(filters.until, time.max, tzinfo=zone))
    if filters.assignee == "me":
        qs = qs.filter(handling__assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(Q(handling__isnull=True) | Q(handling__assignee__isnull=True))
    elif filters.assignee:
        qs = qs.filter(handling__assignee_id=int(filters.assignee))
    return qs


def draft_themes(*, draft) -> list[Theme]:
    """The draft's themes by name, each with `count` (its comments) and `answered` (of them,
    those with an answer): the summary's figures by theme. One query."""
    return list(
        Theme.objects.filter(draft=draft).annotate(
            count=Count("comments", distinct=True),
            answered=Count("comments", filter=Q(comments__answer__isnull=False), distinct=True),
        )
    )


def draft_text_blocks(*, draft) -> list[TextBlock]:
    return list(TextBlock.objects.filter(draft=draft))


def draft_comment_themes(*, draft) -> dict[int, list[str]]:
    """{comment id: its theme names, by name} for every tagged comment of `draft`, in one
    query: the exports' column."""
    through = Theme.comments.through
    names: dict[int, list[str]] = {}
    rows = through.objects.filter(theme__draft=draft).values_list("comment_id", "theme__name")
    for comment_id, name in rows.order_by("theme__name", "comment_id"):
        names.setdefault(comment_id, []).append(name)
    return names
