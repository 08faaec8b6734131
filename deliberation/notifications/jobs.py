"""The platform's periodic jobs, registered in DeliberationConfig.ready() and run by the worker."""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deliberation.events import events_prune
from deliberation.idempotency import receipts_prune

from .channels import Channel
from .delivery import deliveries_send
from .digests import digests_collect
from .schedule import periodic_register, scheduled_runs_prune

DIGEST_HOUR = timedelta(hours=7)  # digests go out at 07:00 local time
FINISHED_TASKS_KEPT = timedelta(days=2)


def _deliver(*, slot: datetime) -> dict:
    # The safety net: mails whose wake-up task was lost (a crash between COMMIT and enqueue).
    return deliveries_send()


def _prune(*, slot: datetime) -> dict:
    finished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - FINISHED_TASKS_KEPT,
    )
    return {
        "events": events_prune(),
        "receipts": receipts_prune(),
        "runs": scheduled_runs_prune(),
        "tasks": finished.delete()[0],
    }


def _daily(*, slot: datetime) -> int:
    return digests_collect(period=Channel.DAILY, slot=slot)


def _weekly(*, slot: datetime) -> int:
    return digests_collect(period=Channel.WEEKLY, slot=slot)


def platform_jobs_register() -> None:
    periodic_register("deliver", every=timedelta(minutes=1), run=_deliver)
    periodic_register("prune", every=timedelta(hours=1), run=_prune)
    periodic_register("digest_daily", every=timedelta(days=1), run=_daily, offset=DIGEST_HOUR)
    periodic_register("digest_weekly", every=timedelta(days=7), run=_weekly, offset=DIGEST_HOUR)
