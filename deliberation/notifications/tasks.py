"""The worker's tasks (django-tasks, database backend): send the outbox, run periodic jobs.

`manage.py worker` runs them (deliberation/management/commands/worker.py). Web requests only
enqueue: a row in the same database, so an enqueued task survives a restart.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .delivery import deliveries_send, next_attempt_at
from .schedule import JOBS


@task()
def deliver() -> dict:
    """Send every due mail; when retries wait, come back when the first is due."""
    counts = deliveries_send()
    later = next_attempt_at()
    if later is not None and later > timezone.now():
        _enqueue_once(run_after=later)
    return counts


@task()
def job_run(name: str, slot: str) -> object:
    """Run the periodic job `name` for `slot` (ISO time)."""
    return JOBS[name].run(slot=parse_datetime(slot))


def _enqueue_once(*, run_after=None) -> None:
    waiting = DBTaskResult.objects.ready().filter(task_path=deliver.module_path)
    if run_after is not None:
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=deliver.module_path, run_after__lte=run_after
        )
    if not waiting.exists():
        (deliver.using(run_after=run_after) if run_after else deliver).enqueue()


def delivery_wake() -> None:
    """Have the worker send the outbox soon (one waiting task is enough for any number)."""
    _enqueue_once()
