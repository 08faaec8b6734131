"""Writes for a process's timeline: its steps (milestones), one of them current."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Milestone, MilestoneState, Process
from .fields import clean_text, clean_title, full_clean


def _lock_timeline(process: Process) -> Process:
    """The process re-read under its row lock: timeline writes queue here, so that the one
    "current step" rule is checked against what the others committed, not a stale read."""
    return Process.objects.select_for_update(no_key=True).get(pk=process.pk)


def _one_current_step(milestone: Milestone) -> None:
    """Only one step is current: earlier ones become done, later ones planned."""
    if milestone.state != MilestoneState.CURRENT:
        return
    key = (milestone.position, milestone.starts_on)
    for other in milestone.process.milestones.filter(state=MilestoneState.CURRENT).exclude(
        pk=milestone.pk
    ):
        earlier = (other.position, other.starts_on) < key
        other.state = MilestoneState.DONE if earlier else MilestoneState.PLANNED
        other.save(update_fields=["state"])


@transaction.atomic
def milestone_create(*, process: Process, **fields) -> Milestone:
    """Add a step to the process's timeline; `fields` and errors as for milestone_update."""
    return milestone_update(milestone=Milestone(process=process), **fields)


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
    state: str = MilestoneState.PLANNED,
    position: int = 0,
) -> Milestone:
    """Save a step (new or not); a current step makes the others done or planned.

    Raises ValidationError keyed by field: empty title, an end before the start, a value the
    model refuses.
    """
    milestone.process = _lock_timeline(milestone.process)
    milestone.title = clean_title(title)
    milestone.description = clean_text(description)
    milestone.starts_on = starts_on
    milestone.ends_on = ends_on
    milestone.state = state
    milestone.position = position
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    full_clean(milestone, exclude=["process"])
    milestone.save()
    _one_current_step(milestone)
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()
