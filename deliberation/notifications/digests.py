"""Digests: one mail per person and period with everything they chose to hear of that way.

The daily and weekly jobs (periodic, in the worker) attach each person's waiting items
(`Notification.mail` = the period, no delivery yet) to one outbox row keyed by person, period
and slot; the unique key and the `delivery IS NULL` condition make sure that no item is mailed
twice, and nobody with nothing waiting gets a mail.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from deliberation.models import Notification

from .channels import DIGESTS
from .models import Delivery, DeliveryState


def digests_collect(*, period: str, slot: datetime, now: datetime | None = None) -> int:
    """Put each person's waiting `period` items ("daily" or "weekly") into their digest of
    `slot`; returns the number of digests made. Raises ValueError for another period."""
    if period not in DIGESTS:
        raise ValueError(f"not a digest period: {period}")
    now = now or timezone.now()
    waiting = Notification.objects.filter(mail=period, delivery__isnull=True, created_at__lte=now)
    made = 0
    for user_id in waiting.values_list("user_id", flat=True).distinct().order_by("user_id"):
        key = f"d:{period}:{user_id}:{timezone.localtime(slot).date().isoformat()}"
        with transaction.atomic():
            delivery, created = Delivery.objects.select_for_update().get_or_create(
                key=key, defaults={"user_id": user_id, "period": period}
            )
            if delivery.state != DeliveryState.PENDING:
                continue  # this slot's mail is on its way: the items wait for the next one
            waiting.filter(user_id=user_id).update(delivery=delivery)
        made += created
    if made:
        from .tasks import delivery_wake

        delivery_wake()
    return made
