"""The moderation's periodic job, run by the worker: a block that ran out is told to its person.

A block with an end date needs no job to end (permissions compare `until` with now); but the
person should hear that they can write again, as when a moderator lifts a block by hand.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from deliberation.models import ScheduledRun
from deliberation.notifications import notify

from .models import UserBlock

RECENT = timedelta(days=7)  # a worker started late does not tell of blocks long over


def blocks_expired_notify(*, slot=None) -> int:
    """Tell each person whose block ended lately (and who has no other block now) that they
    can write again; once per block, however many workers run. Returns how many were told."""
    now = timezone.now()
    ended = UserBlock.objects.filter(
        lifted_at__isnull=True, until__lte=now, until__gt=now - RECENT
    ).select_related("user")
    told = 0
    for block in ended:
        still = UserBlock.objects.filter(user=block.user, lifted_at__isnull=True).filter(
            Q(until__isnull=True) | Q(until__gt=now)
        )
        if still.exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=f"block_ended:{block.pk}", slot=block.until)
                notify(user=block.user, kind="account_unblocked", url=reverse("home"))
        except IntegrityError:
            continue  # told already
        told += 1
    return told
