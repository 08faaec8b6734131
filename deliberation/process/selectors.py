"""Reads for participation processes. No writes here, and no import of the drafts app.

A process's drafts are reached through the reverse relation ``process.drafts`` that the drafts
app declares; a draft whose consultation has not opened yet (``opens_at`` empty or in the
future) is in preparation and only the working group sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from deliberation.roles import is_working_group

from .models import Document, Follow, Milestone, MilestoneState, Process, PublicSession


def _draft_model():
    # The model behind `process.drafts`, found through the relation rather than an import.
    return Process._meta.get_field("drafts").related_model


def _visible_drafts(*, user, now: datetime) -> QuerySet:
    # The drafts app's one visibility rule (Draft.objects.visible_to), reached via the relation.
    return _draft_model().objects.visible_to(user, now)


def process_get(*, slug: str) -> Process:
    process = Process.objects.filter(slug=slug).first()
    if process is None:
        raise Http404(slug)
    return process


def process_list(*, now: datetime | None = None) -> list[Process]:
    """All processes, current ones first; each carries is_current, current_step, next_session_at.

    A process is current while a step is not done yet or a session is still to come (a new
    process without any steps counts as current).
    """
    now = now or timezone.now()
    current_step = Milestone.objects.filter(
        process=OuterRef("pk"), state=MilestoneState.CURRENT
    ).order_by("position", "starts_on")
    processes = list(
        Process.objects.annotate(
            steps=Count("milestones", distinct=True),
            open_steps=Count(
                "milestones", filter=~Q(milestones__state=MilestoneState.DONE), distinct=True
            ),
            next_session_at=Min("sessions__starts_at", filter=Q(sessions__ends_at__gte=now)),
            current_step=Subquery(current_step.values("title")[:1]),
        ).order_by("-created_at")
    )
    for process in processes:
        process.is_current = (
            process.steps == 0 or process.open_steps > 0 or process.next_session_at is not None
        )
    return sorted(processes, key=lambda p: not p.is_current)


def process_list_with_drafts(*, user, now: datetime | None = None) -> list[Process]:
    """Processes (current first) with `visible_drafts`: the drafts this user may see."""
    now = now or timezone.now()
    processes = process_list(now=now)
    drafts = _visible_drafts(user=user, now=now).only("id", "slug", "title", "process_id")
    by_process: dict[int, list] = {}
    for draft in drafts.filter(process__in=[p.pk for p in processes]):
        by_process.setdefault(draft.process_id, []).append(draft)
    for process in processes:
        process.visible_drafts = by_process.get(process.pk, [])
    return processes


def process_drafts(*, process: Process, user, now: datetime | None = None) -> list:
    return list(process.drafts.visible_to(user, now or timezone.now()))


@dataclass
class ProcessPage:
    """Everything the process page shows, read in a handful of queries."""

    process: Process
    milestones: list[Milestone]
    current_milestone: Milestone | None
    next_milestone: Milestone | None
    upcoming_sessions: list[PublicSession]
    past_sessions: list[PublicSession]
    documents: list[Document]
    drafts: list
    follow: Follow | None
    can_manage: bool

    @property
    def next_session(self) -> PublicSession | None:
        return self.upcoming_sessions[0] if self.upcoming_sessions else None


def process_page(*, process: Process, user, now: datetime | None = None) -> ProcessPage:
    now = now or timezone.now()
    milestones = list(process.milestones.all())
    current = next((m for m in milestones if m.state == MilestoneState.CURRENT), None)
    after = milestones[milestones.index(current) + 1 :] if current else milestones
    upcoming_step = next((m for m in after if m.state == MilestoneState.PLANNED), None)

    documents = list(process.documents.select_related("session"))
    sessions = list(
        process.sessions.prefetch_related(
            Prefetch("documents", queryset=Document.objects.select_related("process"))
        )
    )
    upcoming = [s for s in sessions if s.ends_at >= now]
    past = sorted((s for s in sessions if s.ends_at < now), key=lambda s: s.starts_at, reverse=True)

    follow = None
    if user.is_authenticated:
        follow = Follow.objects.filter(user=user, process=process).first()
    return ProcessPage(
        process=process,
        milestones=milestones,
        current_milestone=current,
        next_milestone=upcoming_step,
        upcoming_sessions=upcoming,
        past_sessions=past,
        documents=documents,
        drafts=process_drafts(process=process, user=user, now=now),
        follow=follow,
        can_manage=is_working_group(user),
    )


def sessions_list(*, process: Process) -> list[PublicSession]:
    """The process's sessions, earliest first (for its calendar file)."""
    return list(process.sessions.all())


def milestone_next_position(*, process: Process) -> int:
    """A position after every step the timeline has now (steps are numbered in tens, so that
    one can be put between two others without renumbering)."""
    return (process.milestones.count() + 1) * 10


def session_get(*, process: Process, pk: int) -> PublicSession:
    session = process.sessions.filter(pk=pk).first()
    if session is None:
        raise Http404(pk)
    return session


def milestone_get(*, process: Process, pk: int) -> Milestone:
    milestone = process.milestones.filter(pk=pk).first()
    if milestone is None:
        raise Http404(pk)
    return milestone


def document_get(*, process: Process, pk: int) -> Document:
    document = process.documents.select_related("session").filter(pk=pk).first()
    if document is None:
        raise Http404(pk)
    return document
