"""Periodic jobs, started by the worker: each job once per time slot, however many workers run.

A job runs every `every` (a minute, an hour, a day, a week), its slots counted from Monday 00:00
local time plus `offset` (a daily digest at 07:00: every=1 day, offset=7 h). The worker calls
`jobs_enqueue_due` on each cycle; the first worker to insert the (job, slot) row enqueues the
job's task, the others find the row and do nothing. A slot missed while no worker ran is not
caught up one by one: the next cycle runs the current slot once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[..., object]  # run(slot=datetime) -> anything JSON (kept as the task's result)
    offset: timedelta = timedelta(0)


JOBS: dict[str, Job] = {}
# The slot each job was last seen started in this process: the database is asked once per slot.
_seen: dict[str, datetime] = {}


def periodic_register(
    name: str,
    *,
    every: timedelta,
    run: Callable[..., object],
    offset: timedelta = timedelta(0),
) -> None:
    """Run `run(slot=datetime)` in the worker every `every` (which must divide a week), `offset`
    after Monday 00:00 local time. Called from an app's ready(); raises ValueError for a name
    that is taken or a period that does not divide a week."""
    if name in JOBS:
        raise ValueError(f"periodic job registered twice: {name}")
    if every <= timedelta(0) or timedelta(days=7) % every:
        raise ValueError(f"{name}: the period must divide a week")
    JOBS[name] = Job(name=name, every=every, run=run, offset=offset)


def job_slot(job: Job, now: datetime) -> datetime:
    """The start of the slot `now` falls in (aware, local time)."""
    local = timezone.localtime(now)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = monday + job.offset
    return start + ((local - start) // job.every) * job.every


def jobs_enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not run; returns their names."""
    from .tasks import job_run  # the task module needs the app registry ready

    now = now or timezone.now()
    started = []
    for job in JOBS.values():
        slot = job_slot(job, now)
        if _seen.get(job.name) == slot:
            continue
        _seen[job.name] = slot
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
                job_run.enqueue(name=job.name, slot=slot.isoformat())
        except IntegrityError:
            continue  # another worker has started this slot
        started.append(job.name)
    return started


def scheduled_runs_prune(*, keep: timedelta = timedelta(days=30)) -> int:
    """Forget runs older than `keep`; returns how many."""
    deleted, _ = ScheduledRun.objects.filter(slot__lt=timezone.now() - keep).delete()
    return deleted
